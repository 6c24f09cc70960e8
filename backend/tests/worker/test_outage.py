"""A periodic job of the worker while PostgreSQL or Redis is down: one ERROR line per outage
(not saq's traceback every tick), runs further apart meanwhile, and a line when it ends."""

from pathlib import Path
from typing import cast

import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.db import create_engine, create_sessionmaker
from fabricloop.core.jobs import Job, Outage
from fabricloop.worker import WorkerContext, periodic
from tests.core.apps import DOWN_DATABASE, DOWN_REDIS
from tests.logs import all_entries

TICK = 15.0  # the worker's shortest schedule


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def select_one(session: AsyncSession) -> int:
    await session.execute(text("SELECT 1"))
    return 0


def job_lines(log_file: Path) -> list[dict[str, object]]:
    return [e for e in all_entries(log_file) if str(e.get("event", "")).startswith("periodic")]


async def test_database_outage_logged_once_then_its_end(
    app: FastAPI, settings: Settings, log_file: Path
) -> None:
    engine = create_engine(settings, DOWN_DATABASE)
    down = create_sessionmaker(engine)
    attempts = 0

    def counting() -> AsyncSession:
        nonlocal attempts
        attempts += 1
        return down()

    clock = Clock()
    run = periodic(Job("select_one", select_one), Outage(clock))
    # Only what periodic() reads: saq fills in the rest of a real context.
    ctx = cast(WorkerContext, {"sessionmaker": counting})
    try:
        for _ in range(8):  # two minutes of ticks
            assert await run(ctx) is None
            clock.now += TICK
    finally:
        await engine.dispose()
    # Tried at 0, 15, 45 and 105 s: the waits double (15, 30, 60 s); the other ticks skip.
    assert attempts == 4
    [paused] = job_lines(log_file)
    assert paused["level"] == "error"
    assert paused["event"] == "periodic jobs paused: database or redis unreachable"
    assert paused["job"] == "select_one"
    assert "exception" not in paused
    assert str(paused["error"]).startswith(("OSError", "ConnectionRefusedError", "Operational"))

    up: async_sessionmaker[AsyncSession] = app.state.committing_sessionmaker
    ctx["sessionmaker"] = up
    assert await run(ctx) is None  # at 120 s: the next try is due at 225 s
    clock.now = 1000.0 + 225
    assert await run(ctx) == 0
    assert await run(ctx) == 0
    paused, resumed = job_lines(log_file)
    assert resumed["level"] == "info"
    assert resumed["event"] == "periodic jobs resumed"
    assert resumed["failed_runs"] == 4
    assert resumed["outage_seconds"] == 225.0


async def test_redis_outage_is_an_outage_too(app: FastAPI, log_file: Path) -> None:
    unreachable = Redis.from_url(DOWN_REDIS)

    async def read_cache(_: AsyncSession) -> int:
        return len(await unreachable.keys("*"))

    clock = Clock()
    run = periodic(Job("read_cache", read_cache), Outage(clock))
    ctx = cast(WorkerContext, {"sessionmaker": app.state.committing_sessionmaker})
    try:
        for _ in range(3):
            assert await run(ctx) is None
            clock.now += 2 * TICK
    finally:
        await unreachable.aclose()
    [paused] = job_lines(log_file)
    assert paused["job"] == "read_cache"
    assert str(paused["error"]).startswith("ConnectionError")


async def test_a_bug_is_not_an_outage(app: FastAPI, log_file: Path) -> None:
    """Anything else still fails the run, for saq to log with its traceback, every time."""

    async def broken(_: AsyncSession) -> int:
        raise ValueError("a bug")

    outage = Outage(Clock())
    run = periodic(Job("broken", broken), outage)
    ctx = cast(WorkerContext, {"sessionmaker": app.state.committing_sessionmaker})
    for _ in range(2):
        with pytest.raises(ValueError, match="a bug"):
            await run(ctx)
    assert outage.due()
    assert job_lines(log_file) == []
