"""Rate limits on /api: token buckets (core.limiter) refilled over a minute, in Redis so every
process shares them, in each process's memory while Redis is down. Whose bucket a request takes
from:

- a request with a valid access token (`identify` names its user): the user's own bucket of
  `user_limit`, so people behind one office address do not share one;
- sign-in (`session_paths`: login, register, refresh) without one: a bucket per client IP of
  its own, so that browsing from a shared address cannot refuse someone's sign-in (failed
  logins and registrations have their stricter limits in the auth service);
- any other request: the client IP's bucket of `limit`.

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
        user_limit: int | None = None,
        identify: Callable[[Scope], str | None] | None = None,
        session_paths: frozenset[str] = frozenset(),
    ):
        self.app = app
        self.rates = {
            "ip": Rate(limit, WINDOW_SECONDS),
            "user": Rate(user_limit or limit, WINDOW_SECONDS),
        }
        self.proxies = proxies
        self.prefix = prefix
        self.prefetch = prefetch
        self.identify = identify
        self.session_paths = session_paths

    def _bucket(self, scope: Scope) -> tuple[str, Rate]:
        user = self.identify(scope) if self.identify is not None else None
        if user is not None:
            return f"user:{user}", self.rates["user"]
        ip = client_ip(scope, self.proxies)
        if scope["path"] in self.session_paths:
            return f"signin:{ip}", self.rates["ip"]
        return f"ip:{ip}", self.rates["ip"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        limiter: Limiter = scope["app"].state.limiter
        wanted = self.prefetch(scope) if self.prefetch is not None else None
        key, rate = self._bucket(scope)
        decision = await limiter.take(key, rate, read=wanted)
        if decision.prefetched is not None:
            scope[PREFETCHED_SCOPE_KEY] = decision.prefetched
        if not decision.allowed:
            retry_after = decision.retry_after
            response = error_response(
                429,
                "rate_limited",
                f"More than {rate.capacity} requests a minute; try again in {retry_after} s.",
                headers={"Retry-After": retry_after},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
