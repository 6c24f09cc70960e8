import pytest
from httpx import AsyncClient

from fabricloop.config import Settings
from tests.core.apps import DOWN_DATABASE, DOWN_REDIS, running


def assert_shape(body: dict[str, object]) -> None:
    assert set(body) >= {"status", "checks", "version"}
    checks = body["checks"]
    assert isinstance(checks, dict)
    for name in ("database", "redis"):
        assert checks[name]["status"] in ("ok", "down")
        assert isinstance(checks[name]["latency_ms"], int | float)
        assert checks[name]["latency_ms"] >= 0


class TestHealth:
    async def test_ok(self, client: AsyncClient) -> None:
        response = await client.get("/health")
        assert response.status_code == 200
        body = response.json()
        assert_shape(body)
        assert body["status"] in ("ok", "degraded")
        assert body["checks"]["database"]["status"] == "ok"
        assert body["checks"]["redis"]["status"] == "ok"

    @pytest.mark.usefixtures("migrated")
    async def test_redis_down_is_degraded(self, settings: Settings) -> None:
        async with running(settings, redis_url=DOWN_REDIS) as (_, http):
            response = await http.get("/health")
        assert response.status_code == 200
        body = response.json()
        assert_shape(body)
        assert body["status"] == "degraded"
        assert body["checks"]["redis"]["status"] == "down"
        assert body["checks"]["redis"]["detail"]
        assert body["checks"]["database"]["status"] == "ok"

    @pytest.mark.usefixtures("migrated")
    async def test_database_down_is_503(self, settings: Settings) -> None:
        async with running(settings, database_url=DOWN_DATABASE) as (_, http):
            response = await http.get("/health")
        assert response.status_code == 503
        body = response.json()
        assert_shape(body)
        assert body["status"] == "unavailable"
        assert body["checks"]["database"]["status"] == "down"


class TestDatabaseDown:
    @pytest.mark.usefixtures("migrated")
    async def test_requests_needing_it_get_503(self, settings: Settings) -> None:
        async with running(settings, database_url=DOWN_DATABASE) as (_, http):
            login = await http.post(
                "/api/auth/login", json={"email": "a@example.com", "password": "Passw0rdX"}
            )
            spa = await http.get("/api/nothing")
        assert login.status_code == 503
        error = login.json()["error"]
        assert error["code"] == "service_unavailable"
        assert error["request_id"] == login.headers["x-request-id"]
        assert "127.0.0.1" not in login.text
        assert login.headers["retry-after"]
        # Routes that don't touch the database still answer.
        assert spa.status_code == 404
