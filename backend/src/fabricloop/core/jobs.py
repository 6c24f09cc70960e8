"""Periodic work, run by the job queue's workers (fabricloop/worker.py). Each run of a job takes
a PostgreSQL advisory lock named after it, so two runs never overlap, whoever started them."""

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.core.db import run_after_commit

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
