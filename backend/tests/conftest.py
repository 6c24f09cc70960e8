"""Test fixtures: real PostgreSQL and Redis, the schema built by the migrations, and every
test inside a transaction that is rolled back (concurrency tests commit and clean up)."""

import os
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from fabricloop.app import create_app
from fabricloop.auth.models import User
from fabricloop.config import REPO_ROOT, Settings
from fabricloop.core import migrate
from fabricloop.core.db import async_url
from fabricloop.materials.models import Material
from fabricloop.models_registry import Base
from fabricloop.ops.pgtools import connect, create_database_if_missing
from tests.factories import TEST_SECRET, make_material, make_user
from tests.logs import logging_to


def _embedded_urls() -> tuple[str, str]:
    from fabricloop.core.embedded import start_postgres, start_redis

    var_dir = REPO_ROOT / "var" / "test"
    return start_postgres(var_dir, "fabricloop_test"), start_redis(var_dir)


async def _recreate_schema(url: str) -> None:
    """Create the test database if needed and empty it, so the migrations build it anew."""
    parsed = make_url(url)
    # pgtools: a socket directory in the URL (embedded PostgreSQL) wins over its host; plain
    # asyncpg would try localhost:5432 first and empty some other server's database.
    await create_database_if_missing(parsed.set(drivername="postgresql").render_as_string(False))
    target = await connect(parsed.set(drivername="postgresql").render_as_string(False))
    try:
        await target.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await target.close()


def _environment() -> dict[str, str]:
    # PYTEST_CURRENT_TEST: pytest's own, set anew for each phase of each test.
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


@pytest.fixture(autouse=True)
def _environment_unchanged() -> Iterator[None]:
    """A test that leaves os.environ changed fails (and the change is undone): a variable
    left behind (an embedded server's DATABASE_URL, say) changes the tests that run after it."""
    before = _environment()
    yield
    after = _environment()
    if after != before:
        for name in after.keys() - before.keys():
            del os.environ[name]
        os.environ.update(before)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        pytest.fail(f"the test left environment variables changed: {', '.join(changed)}")


@pytest.fixture(scope="session")
def service_urls() -> tuple[str, str]:
    database_url = os.environ.get("TEST_DATABASE_URL")
    redis_url = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL")
    if not database_url or not redis_url:
        embedded_db, embedded_redis = _embedded_urls()
        database_url = database_url or embedded_db
        redis_url = redis_url or embedded_redis
    return async_url(database_url), redis_url


@pytest.fixture(scope="session")
def settings(service_urls: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var_dir: Path = tmp_path_factory.mktemp("var")
    return Settings(
        env="test",
        database_url=service_urls[0],
        redis_url=service_urls[1],
        jwt_secret=TEST_SECRET,
        rate_limit_per_minute=1_000_000,
        var_dir=var_dir,
        media_dir=var_dir / "media",
        public_base_url="http://testserver",
        seed_demo=False,
        # A queue of this run's own: a worker of another process on the same Redis database
        # (a second test run, a dev server) never takes this run's jobs.
        job_queue=f"fabricloop-test-{os.getpid()}",
    )


@pytest.fixture(scope="session")
async def migrated(settings: Settings) -> str:
    assert settings.database_url is not None
    await _recreate_schema(settings.database_url)
    # Alembic's env runs its own event loop: give it a thread of its own.
    from anyio import to_thread

    await to_thread.run_sync(migrate.upgrade, settings.database_url)
    return settings.database_url


@pytest.fixture(scope="session")
async def app(settings: Settings, migrated: str) -> AsyncIterator[FastAPI]:  # noqa: ARG001
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        application.state.committing_sessionmaker = application.state.sessionmaker
        yield application


@pytest.fixture
async def redis(app: FastAPI) -> Redis:
    client: Redis = app.state.redis
    await client.flushdb()
    app.state.cache._down_until = 0.0
    await app.state.cache_epoch.sync()  # covers any Redis failure of an earlier test
    return client


@pytest.fixture
async def connection(app: FastAPI) -> AsyncIterator[AsyncConnection]:
    async with app.state.engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield conn
        finally:
            await outer.rollback()


@pytest.fixture
async def session(
    app: FastAPI,
    connection: AsyncConnection,
    redis: Redis,  # noqa: ARG001
) -> AsyncIterator[AsyncSession]:
    """A session for the test itself; the app's request sessions share its transaction (as
    savepoints), so everything the test and the app write is rolled back at the end."""
    maker = async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )
    app.state.sessionmaker = maker
    async with maker() as test_session:
        try:
            yield test_session
        finally:
            app.state.sessionmaker = app.state.committing_sessionmaker


@pytest.fixture
async def client(app: FastAPI, session: AsyncSession) -> AsyncIterator[AsyncClient]:  # noqa: ARG001
    transport = ASGITransport(app=app, client=("203.0.113.10", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def committed(app: FastAPI, redis: Redis) -> AsyncIterator[async_sessionmaker[AsyncSession]]:  # noqa: ARG001
    """For concurrency tests: real commits on separate connections, tables emptied after."""
    app.state.sessionmaker = app.state.committing_sessionmaker
    yield app.state.committing_sessionmaker
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with app.state.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
async def committed_client(app: FastAPI, committed: object) -> AsyncIterator[AsyncClient]:  # noqa: ARG001
    transport = ASGITransport(app=app, client=("203.0.113.11", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def seller(session: AsyncSession) -> User:
    """The usual seller: a mill. A directory's conftest or a module may override it."""
    return await make_user(session, company_name="Porto Mills", role="manufacturer")


@pytest.fixture
async def buyer(session: AsyncSession) -> User:
    return await make_user(session, company_name="Loop Brand", role="brand")


@pytest.fixture
async def material(session: AsyncSession, seller: User) -> Material:
    """The seller's listing: 100 kg at 8.50 EUR per kg."""
    return await make_material(session, seller, quantity=Decimal("100"))


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The app logs at info level into this file for the test (tests.logs.entries reads it)."""
    with logging_to(tmp_path / "log" / "fabricloop.log") as path:
        yield path
