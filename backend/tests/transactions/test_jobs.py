"""The periodic job runner: one process at a time under the job's advisory lock."""

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.app import periodic_jobs
from fabricloop.core.jobs import Job, run_job

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
