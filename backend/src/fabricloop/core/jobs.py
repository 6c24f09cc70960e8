"""Periodic work, run by the job queue's workers (fabricloop/worker.py). Each run of a job takes
a PostgreSQL advisory lock named after it, so two runs never overlap, whoever started them."""

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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


# PostgreSQL or Redis unreachable: an outage, not a bug of the job.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    *DATABASE_UNAVAILABLE,
    RedisConnectionError,
    RedisTimeoutError,
)
FIRST_RETRY_SECONDS = 15.0
MAX_RETRY_SECONDS = 120.0


class Outage:
    """PostgreSQL or Redis being unreachable, as one worker's periodic jobs see it: one ERROR
    line when it begins and one INFO line when it ends, instead of a traceback per job per
    tick; meanwhile the runs are skipped, and tried again further and further apart."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures = 0
        self.began_at = 0.0
        self.retry_at = 0.0

    def due(self) -> bool:
        """Whether a job should try to run now (always, unless an outage is going on)."""
        return self.failures == 0 or self.clock() >= self.retry_at

    def failed(self, job: str, error: BaseException) -> None:
        now = self.clock()
        if self.failures == 0:
            self.began_at = now
            log.error(
                "periodic jobs paused: database or redis unreachable",
                job=job,
                error=f"{type(error).__name__}: {error}"[:300],
            )
        else:
            log.debug("periodic job still cannot run", job=job, error=type(error).__name__)
        self.failures += 1
        wait = FIRST_RETRY_SECONDS * 2.0 ** (self.failures - 1)
        self.retry_at = now + min(wait, MAX_RETRY_SECONDS)

    def succeeded(self) -> None:
        if self.failures:
            log.info(
                "periodic jobs resumed",
                failed_runs=self.failures,
                outage_seconds=round(self.clock() - self.began_at, 1),
            )
        self.failures = 0
