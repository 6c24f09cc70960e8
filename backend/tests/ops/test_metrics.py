import re

from fastapi import FastAPI
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core import metrics
from tests.factories import auth_headers, make_user


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', series))
        if series.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


class TestMetrics:
    async def test_request_metrics_move(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        before = (await client.get("/metrics")).text
        labels = {"method": "GET", "route": "/api/messages/{user_id}", "status": "200"}
        count_before = sample(before, "fabricloop_http_requests_total", **labels)
        hist_before = sample(before, "fabricloop_http_request_duration_seconds_count", **labels)
        other = await make_user(session)
        for _ in range(3):
            response = await client.get(f"/api/messages/{other.id}", headers=auth_headers(user))
            assert response.status_code == 200
        after = await client.get("/metrics")
        assert after.status_code == 200
        assert after.headers["content-type"].startswith("text/plain")
        text = after.text
        assert sample(text, "fabricloop_http_requests_total", **labels) == count_before + 3
        assert (
            sample(text, "fabricloop_http_request_duration_seconds_count", **labels)
            == hist_before + 3
        )
        # Route templates, never raw paths with ids (bounded label cardinality).
        assert str(other.id) not in text
        assert 'le="0.1"' in text

    async def test_outcome_counters(self, client: AsyncClient) -> None:
        before = (await client.get("/metrics")).text
        metrics.record_transaction("created")
        metrics.record_payment("failed")
        metrics.record_payment("failed")
        text = (await client.get("/metrics")).text
        created = sample(before, "fabricloop_transactions_total", outcome="created")
        failed = sample(before, "fabricloop_payments_total", outcome="failed")
        assert sample(text, "fabricloop_transactions_total", outcome="created") == created + 1
        assert sample(text, "fabricloop_payments_total", outcome="failed") == failed + 2

    async def test_active_users(
        self, client: AsyncClient, session: AsyncSession, redis: Redis
    ) -> None:
        metrics._last_written.clear()
        users = [await make_user(session) for _ in range(3)]
        for user in users:
            for _ in range(2):
                await client.get("/api/messages/unread-count", headers=auth_headers(user))
        text = (await client.get("/metrics")).text
        assert sample(text, "fabricloop_active_users") == 3
        # Throttled: a second request within the minute wrote nothing more.
        assert await redis.zcard(metrics.ACTIVE_USERS_KEY) == 3
        await redis.zadd(metrics.ACTIVE_USERS_KEY, {"long-gone": 1.0})
        text = (await client.get("/metrics")).text
        assert sample(text, "fabricloop_active_users") == 3

    async def test_database_pool(self, client: AsyncClient, app: FastAPI) -> None:
        text = (await client.get("/metrics")).text
        pool = app.state.engine.sync_engine.pool
        assert sample(text, "fabricloop_db_pool_size") == pool.size()
        # The test's own connection is checked out while it scrapes.
        assert sample(text, "fabricloop_db_pool_checked_out") >= 1

    async def test_not_in_openapi(self, client: AsyncClient) -> None:
        schema = (await client.get("/api/openapi.json")).json()
        assert "/metrics" not in schema["paths"]

    async def test_token_protection(self, client: AsyncClient, app: FastAPI) -> None:
        settings = app.state.settings
        original = settings.metrics_token
        settings.metrics_token = "scrape-secret-123"
        try:
            assert (await client.get("/metrics")).status_code == 401
            wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            assert wrong.json()["error"]["code"] == "unauthorized"
            right = await client.get(
                "/metrics", headers={"Authorization": "Bearer scrape-secret-123"}
            )
            assert right.status_code == 200
            assert "fabricloop_http_requests_total" in right.text
        finally:
            settings.metrics_token = original


class TestMetricsWithoutRedis:
    async def test_activity_is_skipped_and_the_gauge_kept(
        self, client: AsyncClient, session: AsyncSession, app: FastAPI, redis: Redis
    ) -> None:
        metrics._last_written.clear()
        cache = app.state.cache
        before = sample((await client.get("/metrics")).text, "fabricloop_active_users")
        cache._down_until = float("inf")  # as after a Redis failure: callers back off
        try:
            user = await make_user(session)
            response = await client.get("/api/messages/unread-count", headers=auth_headers(user))
            assert response.status_code == 200
            scrape = await client.get("/metrics")
            assert scrape.status_code == 200
            assert sample(scrape.text, "fabricloop_active_users") == before
        finally:
            cache._down_until = 0.0
        assert await redis.zcard(metrics.ACTIVE_USERS_KEY) == 0
