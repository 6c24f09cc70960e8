"""Periodic work inside the app processes. Each run of a job takes a PostgreSQL advisory lock
named after it, so with several processes only one does the work at a time."""

import asyncio
import hashlib
import random
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass

import structlog
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.db import run_after_commit

log = structlog.get_logger(__name__)

JobFunction = Callable[[AsyncSession], Awaitable[int]]


@dataclass(frozen=True)
class Job:
    name: str
    # Does one batch of work in the session (which this module commits); returns a count.
    run: JobFunction

    @property
    def lock_id(self) -> int:
        digest = hashlib.sha256(f"fabricloop:job:{self.name}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)


async def run_job(sessionmaker: async_sessionmaker[AsyncSession], job: Job) -> int | None:
    """One run in one database transaction; None when another process holds the job's lock.
    The lock is transaction-scoped: it is released by the commit, or with a dead connection."""
    async with sessionmaker() as session:
        try:
            locked = await session.scalar(select(func.pg_try_advisory_xact_lock(job.lock_id)))
            if not locked:
                await session.rollback()
                return None
            done = await job.run(session)
            await session.commit()
        except BaseException:
            await session.rollback()
            session.info.pop("after_commit", None)
            raise
        await run_after_commit(session)
    return done


async def run_forever(
    sessionmaker: Callable[[], async_sessionmaker[AsyncSession]],
    jobs: list[Job],
    interval_seconds: float,
) -> None:
    while True:
        for job in jobs:
            try:
                done = await run_job(sessionmaker(), job)
                if done:
                    log.info("periodic job ran", job=job.name, count=done)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("periodic job failed", job=job.name)
        # Jittered, so processes started together don't contend for the lock in lockstep.
        await asyncio.sleep(interval_seconds * random.uniform(0.8, 1.2))  # noqa: S311


def start_jobs(app: FastAPI, settings: Settings, jobs: list[Job]) -> "asyncio.Task[None] | None":
    """Started by the lifespan (app.py lists the jobs); never under `ENV=test`, where tests
    run the jobs directly."""
    if not settings.jobs_enabled or settings.env == "test":
        return None
    return asyncio.create_task(
        run_forever(
            lambda: app.state.sessionmaker,
            jobs,
            settings.jobs_interval_seconds,
        ),
        name="fabricloop-periodic-jobs",
    )


async def stop_jobs(task: "asyncio.Task[None] | None") -> None:
    if task is None:
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
