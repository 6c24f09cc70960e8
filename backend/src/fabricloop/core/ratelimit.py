"""Per-IP rate limit on /api: a token bucket (core.limiter) of `limit` requests refilled over a
minute, in Redis so every process shares it, in each process's memory while Redis is down.

Every /api request pays this Redis round trip, so it also carries the one read that the hottest
cached endpoint needs: `prefetch` names the cache key a request is about to read (or None), and
the reply waits in the scope for the handler (`core.cache.prefetched`)."""

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from fabricloop.core.cache import PREFETCHED_SCOPE_KEY
from fabricloop.core.clientip import Networks, client_ip
from fabricloop.core.errors import error_response
from fabricloop.core.limiter import Limiter, Rate

WINDOW_SECONDS = 60


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        proxies: Networks,
        prefix: str = "/api",
        prefetch: Callable[[Scope], str | None] | None = None,
    ):
        self.app = app
        self.limit = limit
        self.rate = Rate(limit, WINDOW_SECONDS)
        self.proxies = proxies
        self.prefix = prefix
        self.prefetch = prefetch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        limiter: Limiter = scope["app"].state.limiter
        wanted = self.prefetch(scope) if self.prefetch is not None else None
        decision = await limiter.take(
            f"ip:{client_ip(scope, self.proxies)}", self.rate, read=wanted
        )
        if decision.prefetched is not None:
            scope[PREFETCHED_SCOPE_KEY] = decision.prefetched
        if not decision.allowed:
            retry_after = decision.retry_after
            response = error_response(
                429,
                "rate_limited",
                f"More than {self.limit} requests a minute; try again in {retry_after} s.",
                headers={"Retry-After": retry_after},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
