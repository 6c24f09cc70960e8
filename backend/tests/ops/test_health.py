from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.app import create_app
from fabricloop.config import Settings
from tests.factories import auth_headers, make_user
from tests.ops.tcp_proxy import TcpProxy


class TestHealth:
    async def test_ok(self, client: AsyncClient) -> None:
        response = await client.get("/health")
        assert response.status_code == 200
        data = response.json()
        assert data["status"] == "ok"
        assert set(data["checks"]) == {"database", "redis", "payment_gateway"}
        for check in data["checks"].values():
            assert check["status"] == "ok"
        assert data["checks"]["payment_gateway"]["detail"] == "sandbox"
        for check in data["checks"].values():
            assert check["latency_ms"] >= 0
        assert data["version"]
        assert response.headers["cache-control"] == "no-store"


def _proxy_for(database_url: str) -> TcpProxy:
    url = make_url(database_url)
    socket_dir = url.query.get("host")
    if isinstance(socket_dir, str) and socket_dir.startswith("/"):
        port = url.port or 5432
        return TcpProxy(None, port, f"{socket_dir}/.s.PGSQL.{port}")
    return TcpProxy(url.host or "127.0.0.1", url.port or 5432, None)


def _through(database_url: str, proxy: TcpProxy) -> str:
    url = make_url(database_url)
    query = {k: v for k, v in url.query.items() if k != "host"}
    return url.set(host="127.0.0.1", port=proxy.port, query=query).render_as_string(False)


@pytest.fixture
async def proxied_app(settings: Settings, migrated: str) -> AsyncIterator[tuple[FastAPI, TcpProxy]]:
    proxy = _proxy_for(migrated)
    await proxy.start()
    proxied = settings.model_copy(update={"database_url": _through(migrated, proxy)})
    application = create_app(proxied)
    try:
        async with application.router.lifespan_context(application):
            yield application, proxy
    finally:
        await proxy.stop()


class TestHealthWhenTheDatabaseGoes:
    async def test_503_then_recovers_by_itself(self, proxied_app: tuple[FastAPI, TcpProxy]) -> None:
        application, proxy = proxied_app
        transport = ASGITransport(app=application)
        async with AsyncClient(transport=transport, base_url="http://testserver") as http:
            up = await http.get("/health")
            assert up.status_code == 200
            assert up.json()["checks"]["database"]["status"] == "ok"

            await proxy.stop()
            down = await http.get("/health")
            assert down.status_code == 503
            body = down.json()
            assert body["status"] == "unavailable"
            assert body["checks"]["database"]["status"] == "down"
            assert body["checks"]["redis"]["status"] == "ok"  # only the database is down
            # Bounded by the check timeout, not the driver's connect timeout.
            assert body["checks"]["database"]["latency_ms"] < 2500

            await proxy.start()  # the same port: the database is back
            again = await http.get("/health")
            assert again.status_code == 200
            assert again.json()["checks"]["database"]["status"] == "ok"

    async def test_api_answers_503_while_down(
        self, proxied_app: tuple[FastAPI, TcpProxy], session: AsyncSession
    ) -> None:
        application, proxy = proxied_app
        user = await make_user(session)
        await proxy.stop()
        transport = ASGITransport(app=application)
        async with AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/api/messages/unread-count", headers=auth_headers(user))
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "service_unavailable"
        assert "Traceback" not in response.text


class TestHealthWhenRedisGoes:
    @pytest.mark.usefixtures("migrated")
    async def test_degraded_but_200(self, settings: Settings) -> None:
        from tests.core.apps import client_for

        # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        down = settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
        application = create_app(down)
        async with (
            application.router.lifespan_context(application),
            client_for(application) as http,
        ):
            response = await http.get("/health")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded"
        assert body["checks"]["redis"]["status"] == "down"
        assert body["checks"]["database"]["status"] == "ok"
