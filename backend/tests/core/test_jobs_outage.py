"""Periodic jobs while the database is down: one warning when the outage begins, one line when
it ends, and rounds further apart meanwhile (not a traceback every few seconds)."""

import asyncio
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from fabricloop.core.jobs import MAX_BACKOFF_SECONDS, Job, run_forever
from tests.logs import all_entries

INTERVAL = 10.0


async def test_an_outage_is_logged_once_and_backed_off(
    app: FastAPI, committed: async_sessionmaker[AsyncSession], log_file: Path
) -> None:
    dead = create_async_engine(
        "postgresql+asyncpg://postgres@127.0.0.1:1/nothing", connect_args={"timeout": 2}
    )
    down = async_sessionmaker(dead)
    # Eight rounds with the database down (a round stops at its first failure), then two
    # rounds of two jobs with it back.
    makers = [down] * 8 + [committed] * 4
    waits: list[float] = []
    runs: list[str] = []

    async def work(session: AsyncSession) -> int:
        runs.append("ran")
        return 0

    async def sleep(seconds: float) -> None:
        """The test's clock: the loop asks for a wait; the next round starts at once."""
        waits.append(seconds)
        if len(waits) == 10:
            raise asyncio.CancelledError

    rounds = iter(makers)
    try:
        await run_forever(
            lambda: next(rounds),
            [Job("one", work), Job("two", work)],
            INTERVAL,
            sleep=sleep,
        )
    except asyncio.CancelledError:
        pass
    finally:
        await dead.dispose()
    logged = [e["event"] for e in all_entries(log_file)]
    assert logged.count("periodic jobs paused: database unreachable") == 1
    assert logged.count("periodic jobs resumed") == 1
    assert "periodic job failed" not in logged
    # Both jobs ran in each of the two rounds after the outage.
    assert runs == ["ran"] * 4
    # Waits: doubled per failed round (with +-20% jitter), capped, then back to the interval.
    for failed_rounds, wait in enumerate(waits[:8], start=1):
        expected = min(INTERVAL * 2**failed_rounds, MAX_BACKOFF_SECONDS)
        assert 0.8 * expected <= wait <= 1.2 * expected
    assert all(0.8 * INTERVAL <= wait <= 1.2 * INTERVAL for wait in waits[8:])
