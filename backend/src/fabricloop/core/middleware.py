"""Pure ASGI middleware: request ids, security headers, access logs, and the last-resort
handler that turns any unexpected exception into a plain 500 without leaking a traceback."""

import os
import re
import time
from collections.abc import Mapping, Sequence

import orjson
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fabricloop.core import metrics
from fabricloop.core.asgi import send_json, with_headers
from fabricloop.core.context import request_id_var, user_id_var
from fabricloop.core.errors import error_body
from fabricloop.core.logging import write_record
from fabricloop.core.prefetched import ENDPOINT_SCOPE_KEY

ACCESS_LOGGER = "fabricloop.access"
log = structlog.get_logger(ACCESS_LOGGER)

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CSP_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "img-src": ("'self'", "data:", "blob:"),
    "style-src": ("'self'", "'unsafe-inline'"),
    "script-src": ("'self'",),
    "connect-src": ("'self'",),
    "font-src": ("'self'", "data:"),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "frame-ancestors": ("'none'",),
    "form-action": ("'self'",),
}


def content_security_policy(extra: Mapping[str, Sequence[str]] | None = None) -> str:
    """The web app's policy, with `extra` sources added to their directives (a third-party
    script the configuration turns on, such as a payment provider's)."""
    directives = {name: list(sources) for name, sources in CSP_DIRECTIVES.items()}
    for name, sources in (extra or {}).items():
        directives.setdefault(name, []).extend(s for s in sources if s not in directives[name])
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


APP_CSP = content_security_policy()
DOCS_PREFIX = "/api/docs"
CLIENT_CLOSED_REQUEST = 499


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if REQUEST_ID_PATTERN.match(candidate) else None
    return None


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path: str | None = getattr(route, "path", None) or scope.get(ENDPOINT_SCOPE_KEY)
    if path:
        return path
    return "/media/*" if scope["path"].startswith("/media/") else "unmatched"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool = False, csp: str = APP_CSP) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS)
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        # Encoded once: every response gets them, unless it set its own. The API's interactive
        # docs load their own scripts and styles, so they get no Content-Security-Policy.
        self.docs_headers = [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        self.raw_headers = [*self.docs_headers, (b"content-security-policy", csp.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # 32 random hex digits, like uuid4().hex without building a UUID on every request.
        request_id = _incoming_request_id(scope) or os.urandom(16).hex()
        request_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        started = time.perf_counter()
        status = 500
        response_started = False
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = with_headers(
                    message.get("headers", ()),
                    self.docs_headers if path.startswith(DOCS_PREFIX) else self.raw_headers,
                    replace=(b"x-request-id", request_id.encode("latin-1")),
                )
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
            if not response_started:
                # The client went away before an answer (nginx's 499): not a server error.
                status = CLIENT_CLOSED_REQUEST
        except Exception:
            log.exception("unhandled error", method=scope["method"], endpoint=path)
            if response_started:
                raise
            status = 500
            body = orjson.dumps(
                error_body("internal_error", "Something went wrong; the error has been logged.")
            )
            await send_json(send_with_headers, 500, body)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            endpoint = route_template(scope)
            metrics.observe_request(scope["method"], endpoint, status, duration_ms / 1000)
            level = "error" if 500 <= status < 600 else "warning" if status >= 400 else "info"
            write_record(
                ACCESS_LOGGER,
                level,
                "request",
                {
                    "method": scope["method"],
                    "endpoint": endpoint,
                    "path": path,
                    "status_code": status,
                    "duration_ms": duration_ms,
                    "user_id": user_id_var.get(),
                },
            )
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)
