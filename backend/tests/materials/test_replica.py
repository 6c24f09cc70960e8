"""Searches on a read replica (DATABASE_READ_URL): read only when it has every listing change.

The "replica" here is a second database with listings of its own, so each answer tells which
server gave it. A primary named as a read URL counts as caught up (it is not in recovery); a
replica that is behind is simulated by requiring a log position no server has reached yet."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from anyio import to_thread
from fastapi import FastAPI
from httpx import AsyncClient
from prometheus_client import REGISTRY
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core import migrate
from fabricloop.core.db import create_engine
from fabricloop.core.replica import ReadReplica, wal_position
from fabricloop.materials import listing_cache
from fabricloop.materials.listing_cache import LISTINGS_WAL_KEY
from fabricloop.ops.pgtools import connect, create_database_if_missing
from tests.factories import auth_headers, make_material, make_user
from tests.logs import all_entries
from tests.materials.conftest import MATERIALS

NO_SERVER_HAS_REPLAYED_THIS_FAR = 2**62


@pytest.fixture(scope="session")
async def replica_url(settings: Settings, migrated: str) -> str:  # noqa: ARG001
    assert settings.database_url is not None
    url = make_url(settings.database_url)
    name = f"{url.database}_replica"
    libpq = url.set(drivername="postgresql", database=name).render_as_string(False)
    await create_database_if_missing(libpq)
    target = await connect(libpq)
    try:
        await target.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await target.close()
    replica = url.set(database=name).render_as_string(False)
    await to_thread.run_sync(migrate.upgrade, replica)
    engine = create_engine(settings, replica)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        seller = await make_user(session, company_name="Replica Mill")
        await make_material(session, seller, title="Cotton on the replica")
        await session.commit()
    await engine.dispose()
    return replica


@pytest.fixture
async def replica(app: FastAPI, settings: Settings, replica_url: str) -> AsyncIterator[None]:
    app.state.replica = ReadReplica(create_engine(settings, replica_url))
    try:
        yield
    finally:
        await app.state.replica.engine.dispose()
        app.state.replica = None


def reads(server: str) -> float:
    """fabricloop_search_reads_total{server} as /metrics would show it."""
    return REGISTRY.get_sample_value("fabricloop_search_reads_total", {"server": server}) or 0.0


async def titles(client: AsyncClient) -> list[str]:
    response = await client.get(MATERIALS, params={"q": "cotton"})
    assert response.status_code == 200
    return [m["title"] for m in response.json()["materials"]]


@pytest.fixture
async def on_primary(session: AsyncSession, seller: User) -> None:
    await make_material(session, seller, title="Cotton on the primary")


@pytest.mark.usefixtures("replica", "on_primary")
class TestReadReplica:
    async def test_a_caught_up_replica_answers(
        self, client: AsyncClient, session: AsyncSession, redis: Redis
    ) -> None:
        await redis.set(LISTINGS_WAL_KEY, await wal_position(session))
        before = reads("replica")
        assert await titles(client) == ["Cotton on the replica"]
        assert reads("replica") == before + 1

    async def test_a_replica_behind_the_last_change_is_not_read(
        self, client: AsyncClient, redis: Redis
    ) -> None:
        await redis.set(LISTINGS_WAL_KEY, NO_SERVER_HAS_REPLAYED_THIS_FAR)
        before = reads("primary")
        assert await titles(client) == ["Cotton on the primary"]
        assert reads("primary") == before + 1

    async def test_a_listing_change_holds_replicas_to_its_log_position(
        self, app: FastAPI, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller, title="Wool")
        before = await wal_position(session)
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={"quantity": 7}, headers=auth_headers(seller)
        )
        assert response.status_code == 200
        required = int(await redis.get(LISTINGS_WAL_KEY) or 0)
        assert before <= required <= await wal_position(session)
        # An older position never lowers it.
        await listing_cache.listings_changed(app.state.cache, [], required - 1)
        assert int(await redis.get(LISTINGS_WAL_KEY) or 0) == required

    async def test_without_a_recorded_position_the_primary_answers(
        self, client: AsyncClient, redis: Redis
    ) -> None:
        # Redis restarted (or was flushed): changes made before may not have reached the replica.
        assert await redis.get(LISTINGS_WAL_KEY) is None
        assert await titles(client) == ["Cotton on the primary"]

    @pytest.mark.usefixtures("redis")
    async def test_without_redis_the_position_is_unknown_so_the_primary_answers(
        self, app: FastAPI, client: AsyncClient
    ) -> None:
        app.state.cache.mark_failed("test", RuntimeError("Redis is down"))
        assert await titles(client) == ["Cotton on the primary"]


@pytest.mark.usefixtures("on_primary")
async def test_an_unreachable_replica_is_skipped_for_a_while(
    app: FastAPI, settings: Settings, client: AsyncClient, redis: Redis, log_file: Path
) -> None:
    app.state.replica = ReadReplica(
        create_engine(settings, "postgresql://postgres@127.0.0.1:1/nowhere")
    )
    await redis.set(LISTINGS_WAL_KEY, 0)  # any replica would do
    try:
        assert await titles(client) == ["Cotton on the primary"]
        await redis.incr("search:generation")  # a miss again
        assert await titles(client) == ["Cotton on the primary"]
    finally:
        await app.state.replica.engine.dispose()
        app.state.replica = None
    warnings = [e for e in all_entries(log_file) if e["event"] == "replica unavailable"]
    assert len(warnings) == 1  # the second search did not try again


async def test_a_primary_counts_as_caught_up(app: FastAPI, session: AsyncSession) -> None:
    replica = ReadReplica(app.state.engine)
    position = await wal_position(session)

    async def answer(replica_session: AsyncSession) -> int:
        return int((await replica_session.execute(text("SELECT 42"))).scalar_one())

    assert await replica.run(position, answer) == 42
    assert await replica.run(None, answer) is None
    assert await replica.run(NO_SERVER_HAS_REPLAYED_THIS_FAR, answer) is None


async def test_without_a_replica_a_listing_change_records_no_log_position(
    client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
) -> None:
    # No replica is read, so nothing needs the position: the change does not ask for it, and
    # removes an older one (a replica configured later is read only after a change records one).
    material = await make_material(session, seller, title="Wool")
    await redis.set(LISTINGS_WAL_KEY, 0)
    response = await client.put(
        f"{MATERIALS}/{material.id}", json={"quantity": 7}, headers=auth_headers(seller)
    )
    assert response.status_code == 200
    assert await redis.get(LISTINGS_WAL_KEY) is None
