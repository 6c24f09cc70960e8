"""Per-IP fixed-window rate limit on /api, counted in Redis so every process shares it.

Every /api request pays this Redis round trip, so it also carries the one read that the hottest
cached endpoint needs: `prefetch` names the cache key a request is about to read (or None), and
the reply waits in the scope for the handler (`core.cache.prefetched`)."""

import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from fabricloop.core.cache import PREFETCHED_SCOPE_KEY, Cache
from fabricloop.core.clientip import Networks, client_ip
from fabricloop.core.errors import error_response

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
        self.proxies = proxies
        self.prefix = prefix
        self.prefetch = prefetch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"ratelimit:{client_ip(scope, self.proxies)}:{window}"
        cache: Cache = scope["app"].state.cache
        wanted = self.prefetch(scope) if self.prefetch is not None else None
        # Fail open (None): a Redis outage must not take the API down with it.
        count, prefetched = await cache.hit_and_get(key, WINDOW_SECONDS, wanted)
        if prefetched is not None:
            scope[PREFETCHED_SCOPE_KEY] = prefetched
        if count is not None and count > self.limit:
            retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
            response = error_response(
                429,
                "rate_limited",
                f"More than {self.limit} requests a minute; try again in {retry_after} s.",
                headers={"Retry-After": str(retry_after)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
