"""Reads from a streaming replica (`DATABASE_READ_URL`) that never show an outdated listing.

Every listing change records, after its commit, where the primary's write-ahead log ended
(`wal_position`, kept in Redis with the search generation). A read goes to the replica only if
the replica has replayed at least that far, so it has every change whose request has returned;
otherwise, or if the replica fails, the caller reads the primary. Replication lag then costs
load on the primary, never a stale answer (and never a stale answer cached for minutes)."""

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from fabricloop.core.db import create_sessionmaker

log = structlog.get_logger(__name__)

T = TypeVar("T")

BACKOFF_SECONDS = 5.0
# Positions are bytes from the start of the log: pg_lsn minus '0/0' is a plain number.
_WAL_END = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint"
# A server that is not in recovery (a primary named as the read URL) has everything it wrote.
_REPLAYED = """
    SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                 ELSE pg_current_wal_lsn() END - '0/0'::pg_lsn)::bigint"""


async def wal_position(session: AsyncSession) -> int:
    """Where the primary's log ends now: past every transaction committed before this call.
    A session of the engine (a request's, after its commit) asks on a pooled connection,
    straight through the driver outside any transaction: one round trip, not a transaction's
    three (BEGIN, the query, ROLLBACK), and without SQLAlchemy's statement machinery, which
    cost more CPU than the query on every listing change."""
    bind = session.bind
    if isinstance(bind, AsyncEngine):
        async with bind.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None  # a checked-out connection
            return int(await driver.fetchval(_WAL_END))
    return int((await session.execute(text(_WAL_END))).scalar_one())


class ReadReplica:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._maker: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
        self._down_until = 0.0

    async def run(
        self, caught_up_to: int | None, work: Callable[[AsyncSession], Awaitable[T]]
    ) -> T | None:
        """`work` on the replica if it has replayed the log up to `caught_up_to`; None when it
        is behind, failing, or the position is unknown (None): then read the primary."""
        if caught_up_to is None or time.monotonic() < self._down_until:
            return None
        try:
            async with self._maker() as session:
                replayed = (await session.execute(text(_REPLAYED))).scalar_one()
                if replayed is None or replayed < caught_up_to:
                    log.info("replica behind", replayed=replayed, needed=caught_up_to)
                    return None
                return await work(session)
        except (SQLAlchemyError, OSError) as error:
            # A conflict with recovery cancels a query now and then; a dead replica would cost
            # a connect timeout per read, so it is left alone for a while.
            self._down_until = time.monotonic() + BACKOFF_SECONDS
            log.warning("replica unavailable", error=str(error))
            return None
