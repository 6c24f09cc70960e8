"""The periodic job runner: one process at a time under the job's advisory lock."""

import asyncio

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.jobs import Job, run_forever, run_job, start_jobs, stop_jobs

pytestmark = pytest.mark.concurrency


async def test_skipped_while_another_process_holds_the_lock(
    app: FastAPI, committed: async_sessionmaker[AsyncSession]
) -> None:
    calls: list[int] = []

    async def work(session: AsyncSession, cache: Cache) -> int:
        calls.append(1)
        return 7

    job = Job("lock_test", work)
    async with app.state.engine.connect() as other:
        await other.execute(select(func.pg_advisory_lock(job.lock_id)))
        assert await run_job(committed, app.state.cache, job) is None
        await other.execute(select(func.pg_advisory_unlock(job.lock_id)))
    assert calls == []
    assert await run_job(committed, app.state.cache, job) == 7


async def test_a_failing_job_rolls_back_and_the_loop_goes_on(
    app: FastAPI, committed: async_sessionmaker[AsyncSession]
) -> None:
    ran = asyncio.Event()
    runs: list[str] = []

    async def broken(session: AsyncSession, cache: Cache) -> int:
        runs.append("broken")
        raise RuntimeError("boom")

    async def fine(session: AsyncSession, cache: Cache) -> int:
        runs.append("fine")
        if runs.count("fine") >= 2:
            ran.set()
        return 1

    task = asyncio.create_task(
        run_forever(
            lambda: committed, app.state.cache, [Job("broken", broken), Job("fine", fine)], 0.01
        )
    )
    await asyncio.wait_for(ran.wait(), 10)
    await stop_jobs(task)
    assert task.cancelled()
    assert runs[:4] == ["broken", "fine", "broken", "fine"]


async def test_started_outside_tests_only(
    app: FastAPI, settings: Settings, committed: async_sessionmaker[AsyncSession]
) -> None:
    assert start_jobs(app, settings) is None
    assert (
        start_jobs(app, settings.model_copy(update={"env": "development", "jobs_enabled": False}))
        is None
    )
    task = start_jobs(app, settings.model_copy(update={"env": "development"}))
    assert task is not None
    await asyncio.sleep(0.2)  # one run of the real jobs against the (empty) database
    assert not task.done()
    await stop_jobs(task)
    assert task.cancelled()
    await stop_jobs(None)
