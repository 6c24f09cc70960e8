"""The periodic job runner: one process at a time under the job's advisory lock."""

import asyncio

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.app import periodic_jobs
from fabricloop.config import Settings
from fabricloop.core.jobs import Job, run_forever, run_job, start_jobs, stop_jobs

pytestmark = pytest.mark.concurrency


async def test_skipped_while_another_process_holds_the_lock(
    app: FastAPI, committed: async_sessionmaker[AsyncSession]
) -> None:
    calls: list[int] = []

    async def work(_: AsyncSession) -> int:
        calls.append(1)
        return 7

    job = Job("lock_test", work)
    async with app.state.engine.connect() as other:
        await other.execute(select(func.pg_advisory_lock(job.lock_id)))
        assert await run_job(committed, job) is None
        await other.execute(select(func.pg_advisory_unlock(job.lock_id)))
    assert calls == []
    assert await run_job(committed, job) == 7


async def test_a_failing_job_rolls_back_and_the_loop_goes_on(
    app: FastAPI, committed: async_sessionmaker[AsyncSession]
) -> None:
    ran = asyncio.Event()
    runs: list[str] = []

    async def broken(_: AsyncSession) -> int:
        runs.append("broken")
        raise RuntimeError("boom")

    async def fine(_: AsyncSession) -> int:
        runs.append("fine")
        if runs.count("fine") >= 2:
            ran.set()
        return 1

    task = asyncio.create_task(
        run_forever(lambda: committed, [Job("broken", broken), Job("fine", fine)], 0.01)
    )
    await asyncio.wait_for(ran.wait(), 10)
    await stop_jobs(task)
    assert task.cancelled()
    assert runs[:4] == ["broken", "fine", "broken", "fine"]


async def test_every_periodic_job_runs(
    app: FastAPI, committed: async_sessionmaker[AsyncSession]
) -> None:
    """Each job the app schedules runs to its end: a job that raises fails this test (the
    loop would only log it)."""
    jobs = periodic_jobs(
        app.state.cache, app.state.storage, app.state.payment_gateway, app.state.settings
    )
    assert len({job.name for job in jobs}) == len(jobs)
    for job in jobs:
        done = await run_job(committed, job)
        assert isinstance(done, int), job.name


async def test_started_outside_tests_only(
    app: FastAPI, settings: Settings, committed: async_sessionmaker[AsyncSession]
) -> None:
    ran = asyncio.Event()

    async def signal(_: AsyncSession) -> int:
        ran.set()
        return 0

    jobs = [Job("signal", signal)]
    assert start_jobs(app, settings, jobs) is None
    disabled = settings.model_copy(update={"env": "development", "jobs_enabled": False})
    assert start_jobs(app, disabled, jobs) is None
    task = start_jobs(app, settings.model_copy(update={"env": "development"}), jobs)
    assert task is not None
    await asyncio.wait_for(ran.wait(), 10)
    assert not task.done()
    await stop_jobs(task)
    assert task.cancelled()
    await stop_jobs(None)
