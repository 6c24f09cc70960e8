"""Answers a request from the cache before routing, when the rate limiter has already read its
cached JSON on the way in (`core.ratelimit`, `prefetch`). The hottest public read then skips the
router, the dependency solver and the handler; CORS and compression, which sit outside this
layer, still apply. The route stays the source of truth: it documents the endpoint, builds and
caches the body on a miss, and answers everything this layer lets through."""

from starlette.types import ASGIApp, Receive, Scope, Send

from fabricloop.core.asgi import send_json
from fabricloop.core.cache import PREFETCHED_SCOPE_KEY, Prefetched

# The route template a request answered here is logged and counted under.
ENDPOINT_SCOPE_KEY = "fabricloop.endpoint"


class PrefetchedResponseMiddleware:
    def __init__(self, app: ASGIApp, *, endpoint: str) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        entry: Prefetched | None = scope.get(PREFETCHED_SCOPE_KEY)
        if entry is None or entry.value is None:
            await self.app(scope, receive, send)
            return
        scope[ENDPOINT_SCOPE_KEY] = self.endpoint
        await send_json(send, 200, entry.value)
