"""Request limits in the app itself, not only in the proxy in front: the size of the headers,
the size of a body (multipart uploads excepted: images.upload streams and caps those itself),
and how long the server waits for each part of a body.

A body declared too large (Content-Length) is refused before any of it is read; one that turns
out too large as it arrives (chunked, or longer than declared) is refused as soon as it passes
the cap, so no request can make the process hold more than the cap; a client that stops sending
halfway gets 408 after the read timeout instead of holding its connection."""

import asyncio

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fabricloop.core.errors import error_response


class RequestLimitsMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_header_bytes: int,
        body_timeout_seconds: float,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes
        self.body_timeout_seconds = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        if sum(len(name) + len(value) + 4 for name, value in headers) > self.max_header_bytes:
            response = error_response(
                431,
                "headers_too_large",
                f"The request headers exceed {self.max_header_bytes} bytes.",
            )
            await response(scope, receive, send)
            return
        content_type = next((v for n, v in headers if n == b"content-type"), b"")
        cap = None if content_type.lower().startswith(b"multipart/") else self.max_body_bytes
        declared = next((v for n, v in headers if n == b"content-length"), None)
        if cap is not None and declared is not None and declared.isdigit() and int(declared) > cap:
            await _too_large(cap)(scope, receive, send)
            return
        await self.app(scope, self._limited(receive, cap), send)

    def _limited(self, receive: Receive, cap: int | None) -> Receive:
        received = 0
        complete = False

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete:  # the body is in: waiting for a disconnect has no deadline
                return await receive()
            try:
                async with asyncio.timeout(self.body_timeout_seconds):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(408, "The request body did not arrive in time.") from None
            if message["type"] != "http.request":
                complete = True
                return message
            received += len(message.get("body", b""))
            if cap is not None and received > cap:
                raise HTTPException(413, _too_large_message(cap))
            complete = not message.get("more_body", False)
            return message

        return limited_receive


def _too_large_message(cap: int) -> str:
    return f"The request body exceeds {cap} bytes."


def _too_large(cap: int) -> ASGIApp:
    return error_response(413, "payload_too_large", _too_large_message(cap))
