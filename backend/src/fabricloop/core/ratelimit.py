"""Per-IP fixed-window rate limit on /api, counted in Redis so every process shares it."""

import time

from starlette.types import ASGIApp, Receive, Scope, Send

from fabricloop.core.cache import Cache
from fabricloop.core.clientip import Networks, client_ip
from fabricloop.core.errors import error_response

WINDOW_SECONDS = 60


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limit: int, proxies: Networks, prefix: str = "/api"):
        self.app = app
        self.limit = limit
        self.proxies = proxies
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"ratelimit:{client_ip(scope, self.proxies)}:{window}"
        cache: Cache = scope["app"].state.cache
        # Fail open (None): a Redis outage must not take the API down with it.
        count = await cache.hit(key, WINDOW_SECONDS)
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
