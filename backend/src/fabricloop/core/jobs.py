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
from fabricloop.core.errors import DATABASE_UNAVAILABLE

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


MAX_BACKOFF_SECONDS = 300.0


class Outage:
    """The database being unreachable, as the periodic jobs see it: logged once when it begins
    and once when it ends (not a traceback per job per round), with rounds further and further
    apart meanwhile."""

    def __init__(self) -> None:
        self.failed_rounds = 0
        self.began_at = 0.0

    def began(self, error: BaseException, now: float) -> None:
        if self.failed_rounds == 0:
            self.began_at = now
            log.warning(
                "periodic jobs paused: database unreachable",
                error=f"{type(error).__name__}: {error}"[:300],
            )
        self.failed_rounds += 1

    def ended(self, now: float) -> None:
        if self.failed_rounds:
            log.info(
                "periodic jobs resumed",
                failed_rounds=self.failed_rounds,
                outage_seconds=round(now - self.began_at, 1),
            )
        self.failed_rounds = 0

    def delay(self, interval_seconds: float) -> float:
        """The wait before the next round: the interval, doubled per failed round, capped."""
        backoff: float = interval_seconds * 2.0**self.failed_rounds
        return min(backoff, max(MAX_BACKOFF_SECONDS, interval_seconds))


async def run_forever(
    sessionmaker: Callable[[], async_sessionmaker[AsyncSession]],
    jobs: list[Job],
    interval_seconds: float,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    outage = Outage()
    loop = asyncio.get_running_loop()
    while True:
        for job in jobs:
            try:
                done = await run_job(sessionmaker(), job)
            except asyncio.CancelledError:
                raise
            except DATABASE_UNAVAILABLE as error:
                outage.began(error, loop.time())
                break  # the other jobs would fail alike
            except Exception:
                log.exception("periodic job failed", job=job.name)
            else:
                outage.ended(loop.time())
                if done:
                    log.info("periodic job ran", job=job.name, count=done)
        # Jittered, so processes started together don't contend for the lock in lockstep.
        await sleep(outage.delay(interval_seconds) * random.uniform(0.8, 1.2))  # noqa: S311


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
