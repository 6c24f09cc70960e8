"""Answers a request from the cache before routing, when the rate limiter has already read its
cached JSON on the way in (`core.ratelimit`, `prefetch`). The hottest public read then skips the
router, the dependency solver and the handler, and the layers between: CORS, outside this
layer, still applies; what the layers inside would do to the answer is done here, with their
own rules: compression's (`Compression`: Vary from its minimum size, gzip when asked, the same
bytes) and the HTTP semantics' (`core.http`: its Cache-Control, its ETag, a 304 when
If-None-Match names it). Only a GET is prefetched, so a HEAD takes the route. The route stays
the source of truth: it documents the endpoint, builds and caches the body on a miss, and
answers everything this layer lets through.

A browser asks for gzip on every request: a hit it would have compressed is sent compressed,
the bytes kept per process for the bodies served most recently, so a popular listing is
compressed once per change instead of on every view."""

import zlib
from dataclasses import dataclass
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

from fabricloop.core.cache import PREFETCHED_SCOPE_KEY, Prefetched
from fabricloop.core.http import (
    cache_control,
    etag_of,
    request_headers,
    revalidated,
    send_not_modified,
)

# The route template a request answered here is logged and counted under.
ENDPOINT_SCOPE_KEY = "fabricloop.endpoint"
VARY = (b"vary", b"Accept-Encoding")
GZIP = (b"content-encoding", b"gzip")
# Compressed bodies kept per process, each with its body: 2 KB for a typical listing. A
# listing can be far larger (its chemicals, supply chain, lots): a body over KEPT_BODY_BYTES is
# compressed on each request instead, so what is kept stays under about 20 MB.
GZIPPED_KEPT = 1024
KEPT_BODY_BYTES = 16 * 1024


@dataclass(frozen=True)
class Compression:
    """How the app compresses a response (its GZipMiddleware's settings): from `minimum_size`
    bytes, at `level`, for a request whose Accept-Encoding names gzip."""

    minimum_size: int
    level: int

    @staticmethod
    def asked(scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                # As Starlette's GZipMiddleware decides, so both layers agree on every request.
                return b"gzip" in value
        return False


def gzipped(body: bytes, level: int) -> bytes:
    """`body` in a gzip container, byte for byte as GZipMiddleware compresses a whole body;
    kept for the next request when it is no larger than KEPT_BODY_BYTES."""
    if len(body) > KEPT_BODY_BYTES:
        return _gzip(body, level)
    return _kept_gzip(body, level)


def _gzip(body: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush()


_kept_gzip = lru_cache(maxsize=GZIPPED_KEPT)(_gzip)


class PrefetchedResponseMiddleware:
    def __init__(self, app: ASGIApp, *, endpoint: str, compression: Compression) -> None:
        self.app = app
        self.endpoint = endpoint
        self.compression = compression

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        entry: Prefetched | None = scope.get(PREFETCHED_SCOPE_KEY)
        if entry is None or entry.value is None:
            await self.app(scope, receive, send)
            return
        scope[ENDPOINT_SCOPE_KEY] = self.endpoint
        body = entry.value
        headers = [(b"content-type", b"application/json")]
        if len(body) >= self.compression.minimum_size:
            # Compressed or not, the answer depends on the request's Accept-Encoding.
            headers.append(VARY)
            if self.compression.asked(scope):
                body = gzipped(body, self.compression.level)
                headers.append(GZIP)
        headers.append((b"content-length", str(len(body)).encode()))
        authorised, if_none_match = request_headers(scope)
        policy = cache_control("GET", scope["path"], authorised)
        if policy is not None:
            headers.append((b"cache-control", policy.encode("latin-1")))
        etag = etag_of(body)
        headers.append((b"etag", etag.encode("latin-1")))
        if revalidated(if_none_match, etag):
            await send_not_modified(send, headers)
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
