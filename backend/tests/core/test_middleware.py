"""Request ids, error bodies, security headers, gzip and CORS, through fresh app instances."""

import gzip
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from opentelemetry import trace
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from fabricloop.config import Settings
from fabricloop.core.metrics import REQUESTS
from fabricloop.core.pagination import Pagination
from tests.core.apps import running

SMALL = {"ok": True}
LARGE = {"items": ["circular textile " * 4] * 40}


def add_test_routes(app: FastAPI) -> None:
    @app.get("/api/test/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    @app.get("/api/test/page")
    async def page(pagination: Pagination) -> dict[str, int]:
        return {"page": pagination.page, "limit": pagination.limit}

    @app.get("/api/test/small")
    async def small() -> dict[str, bool]:
        return SMALL

    @app.get("/api/test/large")
    async def large() -> dict[str, list[str]]:
        return LARGE

    @app.get("/api/test/own-headers")
    async def own_headers() -> Response:
        # Mixed case, as a handler may write them: its own values stand.
        return Response(
            b"{}",
            media_type="application/json",
            headers={
                "X-Frame-Options": "SAMEORIGIN",
                "Content-Security-Policy": "default-src 'none'",
                "X-Request-ID": "made-up-by-the-handler",
            },
        )


@pytest.fixture
async def client(settings: Settings, migrated: str) -> AsyncIterator[AsyncClient]:  # noqa: ARG001
    async with running(settings, routes=add_test_routes) as (_, http):
        yield http


def error_of(response_json: dict[str, object], code: str) -> dict[str, object]:
    error = response_json["error"]
    assert isinstance(error, dict)
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert "Traceback" not in str(response_json)
    return error


class TestRequestId:
    @pytest.mark.parametrize("incoming", ["abc-123", "A.b_c-9", "x", "r" * 128])
    async def test_valid_id_is_echoed(self, client: AsyncClient, incoming: str) -> None:
        response = await client.get("/health", headers={"X-Request-ID": incoming})
        assert response.headers["x-request-id"] == incoming

    @pytest.mark.parametrize(
        "incoming", ["", "r" * 129, "has space", "semi;colon", "slash/", "ünïcode", "a\tb"]
    )
    async def test_invalid_id_is_replaced(self, client: AsyncClient, incoming: str) -> None:
        response = await client.get(
            "/api/test/small", headers={b"X-Request-ID": incoming.encode("utf-8")}
        )
        generated = response.headers["x-request-id"]
        assert generated != incoming
        assert len(generated) == 32
        assert generated.isalnum()

    async def test_each_request_gets_its_own(self, client: AsyncClient) -> None:
        first = await client.get("/api/test/small")
        second = await client.get("/api/test/small")
        assert first.headers["x-request-id"] != second.headers["x-request-id"]

    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [
            ("GET", "/api/nothing-here", 404),
            ("DELETE", "/health", 405),
            ("GET", "/api/test/boom", 500),
            ("GET", "/api/test/page?page=0", 400),
            ("POST", "/api/auth/register", 422),
        ],
    )
    async def test_on_errors_in_header_and_body(
        self, client: AsyncClient, method: str, path: str, status: int
    ) -> None:
        response = await client.request(method, path, headers={"X-Request-ID": "trace-42"}, json={})
        assert response.status_code == status
        assert response.headers["x-request-id"] == "trace-42"
        assert response.json()["error"]["request_id"] == "trace-42"


class TestErrorBodies:
    async def test_unknown_api_route_404(self, client: AsyncClient) -> None:
        response = await client.get("/api/does/not/exist")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        error_of(response.json(), "not_found")

    async def test_method_not_allowed_405(self, client: AsyncClient) -> None:
        response = await client.delete("/health")
        assert response.status_code == 405
        error_of(response.json(), "method_not_allowed")
        assert "GET" in response.headers["allow"]

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    async def test_unknown_route_any_method_404(self, client: AsyncClient, method: str) -> None:
        response = await client.request(method, "/api/does/not/exist", json={})
        assert response.status_code == 404
        error_of(response.json(), "not_found")

    async def test_known_path_other_method_405(self, client: AsyncClient) -> None:
        response = await client.put("/api/auth/me", json={})
        assert response.status_code == 405
        error_of(response.json(), "method_not_allowed")
        assert response.headers["allow"] == "GET, HEAD, PATCH"
        response = await client.get("/api/auth/login")
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"

    async def test_body_validation_422_with_details(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/register", json={"email": "a@b.co", "role": "pirate", "extra": 1}
        )
        assert response.status_code == 422
        error = error_of(response.json(), "validation_error")
        details = error["details"]
        assert isinstance(details, list)
        fields = {d["field"] for d in details}
        assert {"password", "company_name", "role", "extra"} <= fields
        assert all(d["message"] for d in details)

    async def test_malformed_json_400(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/register",
            content=b'{"email": ',
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400
        error_of(response.json(), "bad_request")

    @pytest.mark.parametrize("query", ["page=0", "page=abc", "limit=-1", "page=1.5", "limit="])
    async def test_query_validation_400(self, client: AsyncClient, query: str) -> None:
        response = await client.get(f"/api/test/page?{query}")
        assert response.status_code == 400
        error = error_of(response.json(), "invalid_query")
        assert error["details"]

    async def test_limit_above_100_is_clamped(self, client: AsyncClient) -> None:
        response = await client.get("/api/test/page?limit=1000&page=3")
        assert response.json() == {"page": 3, "limit": 100}

    async def test_unexpected_exception_plain_500(self, client: AsyncClient) -> None:
        response = await client.get("/api/test/boom")
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/json"
        error = error_of(response.json(), "internal_error")
        assert set(error) == {"code", "message", "request_id"}
        assert "hunter2" not in response.text
        assert "RuntimeError" not in response.text
        assert response.headers["x-content-type-options"] == "nosniff"


class TestSecurityHeaders:
    @pytest.mark.parametrize("path", ["/health", "/api/nothing", "/api/test/boom"])
    async def test_present_everywhere(self, client: AsyncClient, path: str) -> None:
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "strict-transport-security" not in response.headers

    @pytest.mark.usefixtures("migrated")
    async def test_stripe_js_allowed_only_with_stripe(
        self, client: AsyncClient, settings: Settings
    ) -> None:
        sandbox = (await client.get("/health")).headers["content-security-policy"]
        assert "stripe.com" not in sandbox
        assert "script-src 'self';" in sandbox
        async with running(settings, stripe_secret_key="sk_test_x") as (_, http):
            policy = (await http.get("/health")).headers["content-security-policy"]
        directives = dict(d.split(" ", 1) for d in policy.split("; "))
        assert directives["script-src"] == "'self' https://js.stripe.com"
        assert directives["frame-src"] == "https://js.stripe.com https://hooks.stripe.com"
        assert directives["connect-src"] == "'self' https://api.stripe.com"
        assert directives["frame-ancestors"] == "'none'"

    async def test_a_responses_own_headers_stand_but_not_its_request_id(
        self, client: AsyncClient
    ) -> None:
        response = await client.get("/api/test/own-headers", headers={"X-Request-ID": "req-1"})
        assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
        assert response.headers.get_list("content-security-policy") == ["default-src 'none'"]
        assert response.headers.get_list("x-request-id") == ["req-1"]
        # The defaults it did not set are added, once each.
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert response.headers.get_list("cross-origin-opener-policy") == ["same-origin"]

    async def test_docs_page_has_no_app_csp(self, client: AsyncClient) -> None:
        response = await client.get("/api/docs")
        assert response.status_code == 200
        assert "content-security-policy" not in response.headers

    @pytest.mark.usefixtures("migrated")
    async def test_hsts_in_production(self, settings: Settings) -> None:
        async with running(settings, env="production", jwt_secret="p" * 40) as (_, http):
            response = await http.get("/health")
        assert "max-age=" in response.headers["strict-transport-security"]


class TestGzip:
    async def test_large_response_compressed(self, client: AsyncClient) -> None:
        response = await client.get("/api/test/large", headers={"Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"
        assert response.json() == LARGE
        assert int(response.headers["content-length"]) < len(response.content)

    async def test_small_response_not_compressed(self, client: AsyncClient) -> None:
        response = await client.get("/api/test/small", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in response.headers
        assert response.json() == SMALL

    async def test_not_compressed_without_accept_encoding(self, client: AsyncClient) -> None:
        response = await client.get("/api/test/large", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in response.headers
        assert len(response.content) > 500

    async def test_raw_bytes_are_gzip(self, client: AsyncClient) -> None:
        async with client.stream(
            "GET", "/api/test/large", headers={"Accept-Encoding": "gzip"}
        ) as response:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        assert gzip.decompress(raw).startswith(b'{"items"')


class TestCors:
    ALLOWED = "https://brand.example"

    @pytest.fixture
    async def cors_client(self, settings: Settings, migrated: str) -> AsyncIterator[AsyncClient]:  # noqa: ARG002
        async with running(settings, cors_origins=[self.ALLOWED]) as (_, http):
            yield http

    async def test_allowed_origin(self, cors_client: AsyncClient) -> None:
        response = await cors_client.get("/health", headers={"Origin": self.ALLOWED})
        assert response.headers["access-control-allow-origin"] == self.ALLOWED
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "X-Request-ID" in response.headers["access-control-expose-headers"]

    @pytest.mark.parametrize(
        "origin", ["https://evil.example", "https://brand.example.evil.com", "null"]
    )
    async def test_other_origin(self, cors_client: AsyncClient, origin: str) -> None:
        response = await cors_client.get("/health", headers={"Origin": origin})
        assert response.status_code == 200
        assert "access-control-allow-origin" not in response.headers

    async def test_preflight(self, cors_client: AsyncClient) -> None:
        allowed = await cors_client.options(
            "/api/auth/login",
            headers={
                "Origin": self.ALLOWED,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "Content-Type, Authorization",
            },
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == self.ALLOWED
        assert "POST" in allowed.headers["access-control-allow-methods"]
        refused = await cors_client.options(
            "/api/auth/login",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers

    async def test_no_origins_configured(self, client: AsyncClient) -> None:
        response = await client.get("/health", headers={"Origin": self.ALLOWED})
        assert "access-control-allow-origin" not in response.headers
        # The same answer whatever the Origin: nothing for a cache to keep apart.
        assert "Origin" not in response.headers.get("vary", "")
        preflight = await client.options(
            "/api/auth/login",
            headers={"Origin": self.ALLOWED, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 405
        assert preflight.json()["error"]["code"] == "method_not_allowed"
        assert not any(name.startswith("access-control-") for name in preflight.headers)

    async def test_configured_origins_make_answers_vary_by_origin(
        self, cors_client: AsyncClient
    ) -> None:
        response = await cors_client.get("/health", headers={"Origin": "https://evil.example"})
        assert "Origin" in response.headers["vary"]


@pytest.mark.usefixtures("settings")
async def test_a_client_that_leaves_before_the_answer_is_not_a_server_error() -> None:
    from fabricloop.core.middleware import RequestContextMiddleware

    seen: list[int] = []

    async def silent_app(scope: Scope, receive: Receive, send: Send) -> None:  # noqa: ARG001
        return None  # e.g. the client disconnected and the app stopped without answering

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        seen.append(message["status"] if message["type"] == "http.response.start" else 0)

    before = REQUESTS.labels("GET", "unmatched", "499")._value.get()
    middleware = RequestContextMiddleware(silent_app)
    scope: Scope = {"type": "http", "method": "GET", "path": "/assets/x.js", "headers": []}
    await middleware(scope, receive, send)
    assert seen == []
    assert REQUESTS.labels("GET", "unmatched", "499")._value.get() == before + 1


class _RecordingTracer(trace.NoOpTracer):
    def __init__(self, names: list[str]) -> None:
        self.names = names

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        self.names.append(name)
        return super().start_span(name, *args, **kwargs)


class _RecordingTracerProvider(trace.TracerProvider):
    """A configured provider, as an OpenTelemetry SDK beside the app would install."""

    def __init__(self) -> None:
        self.spans: list[str] = []

    def get_tracer(self, *_: Any, **__: Any) -> trace.Tracer:
        return _RecordingTracer(self.spans)


@pytest.mark.parametrize("enabled", [False, True])
async def test_fastapi_traces_requests_only_when_otel_is_enabled(
    settings: Settings,
    migrated: str,  # noqa: ARG001
    monkeypatch: pytest.MonkeyPatch,
    enabled: bool,
) -> None:
    provider = _RecordingTracerProvider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    async with running(settings, routes=add_test_routes, otel_enabled=enabled) as (_, http):
        response = await http.get("/api/test/small")
    assert response.status_code == 200
    assert response.json() == SMALL
    # Off (the default), a request never asks for a tracer: no span at all.
    # On, FastAPI opens the request's span (and its operations' spans inside it).
    assert provider.spans[:1] == (["GET"] if enabled else [])
