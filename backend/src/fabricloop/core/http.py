"""HTTP semantics every route gets alike, at the ASGI level:

- HEAD is answered wherever GET is (API routes and app pages): the request runs as a GET and
  the body is dropped, so the headers (Content-Length included) are exactly GET's.
- Cache-Control is set deliberately per API family (`cache_control`), unless the route set
  its own (media, the app's assets, /health).
- The cacheable public reads (`ETAG_PATHS`: a listing's detail, a passport, its UNTP
  credential, the OpenAPI schema) carry an ETag of their body; a GET whose If-None-Match
  names it is a 304 without a body."""

import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fabricloop.core.asgi import RawHeaders, with_headers

# Answers that may be revalidated with an ETag: small JSON bodies, built per request or from
# the cache, public (a draft is shown to its owner only, and never stored by a shared cache).
ETAG_PATHS = re.compile(
    r"^/api/(materials/[^/]+|passports/[^/]+|passports/[^/]+/untp\.json|openapi\.json)$"
)
NOT_ETAGGED = ("/api/materials/types",)
# Public reads whose answer a browser or a shared cache may keep, revalidating first.
PUBLIC_READS = re.compile(r"^/api/(materials(/[^/]+)?|passports/.*|openapi\.json)$")
STATIC_VOCABULARY = "/api/materials/types"


def cache_control(method: str, path: str, authorised: bool) -> str | None:
    """The Cache-Control of an API answer; None outside /api (the app's pages and files set
    their own)."""
    if not path.startswith("/api/"):
        return None
    if method not in ("GET", "HEAD"):
        return "no-store"
    if path == STATIC_VOCABULARY:
        return "public, max-age=3600"
    if PUBLIC_READS.match(path):
        # Revalidated on every use (listings change), cheaply with the ETag.
        return "private, no-cache" if authorised else "public, no-cache"
    # Everything else is a user's own data.
    return "private, no-store"


def etag_of(body: bytes) -> str:
    return f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def revalidated(if_none_match: str | None, etag: str) -> bool:
    """Whether a GET's If-None-Match names `etag` (weak comparison): the answer is a 304."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def request_headers(scope: Scope) -> tuple[bool, str | None]:
    """Whether the request carries Authorization, and its If-None-Match: one pass over the raw
    headers (names arrive lower-cased)."""
    authorised = False
    if_none_match = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorised = True
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
    return authorised, if_none_match


def _with_cache_control(message: Message, policy: str | None) -> RawHeaders:
    """The raw headers of a response start, with `policy` as its Cache-Control unless it set
    its own."""
    defaults = [(b"cache-control", policy.encode("latin-1"))] if policy else []
    return with_headers(message.get("headers", ()), defaults)


async def send_not_modified(send: Send, headers: RawHeaders) -> None:
    """The 304 of a revalidated GET: the 200's headers without its body's type and length."""
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() not in (b"content-length", b"content-type")
    ]
    await send({"type": "http.response.start", "status": 304, "headers": kept})
    await send({"type": "http.response.body", "body": b""})


class HttpSemanticsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        method: str = scope["method"]
        path: str = scope["path"]
        authorised, if_none_match = request_headers(scope)
        policy = cache_control(method, path, authorised)
        etagged = method == "GET" and ETAG_PATHS.match(path) and path not in NOT_ETAGGED
        if not (head or policy or etagged):
            await self.app(scope, receive, send)
            return
        if etagged:
            await self._with_etag(scope, receive, send, head, policy, if_none_match)
            return

        async def send_plain(message: Message) -> None:
            if message["type"] == "http.response.start" and policy:
                message["headers"] = _with_cache_control(message, policy)
            elif message["type"] == "http.response.body" and head:
                if message.get("more_body", False):
                    return
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_plain)

    async def _with_etag(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        head: bool,
        policy: str | None,
        if_none_match: str | None,
    ) -> None:
        """Holds the answer until its body is complete (small JSON), to tag it."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            headers = start["headers"] = _with_cache_control(start, policy)
            if start["status"] != 200:
                await send(start)
                await send({"type": "http.response.body", "body": b"" if head else body})
                return
            etag = etag_of(body)
            headers.append((b"etag", etag.encode("latin-1")))
            if revalidated(if_none_match, etag):
                await send_not_modified(send, headers)
                return
            await send(start)
            await send({"type": "http.response.body", "body": b"" if head else body})

        await self.app(scope, receive, hold)
