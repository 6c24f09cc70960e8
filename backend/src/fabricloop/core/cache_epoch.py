"""The cache epoch: a PostgreSQL sequence whose value stamps every cached entry (core.cache).

An invalidation that cannot reach Redis (stalled, partitioned, restarting) is lost, and a Redis
restarted from its saved data brings back entries that were deleted since. Either way the cache
may hold an entry older than the database. So a process that sees a Redis failure, or Redis
restarted (its `run_id` changed), moves the epoch on in PostgreSQL before it trusts the cache
again; every process reads the epoch every second, so every entry written before is retired
everywhere within that second. A process starting moves it on too: its predecessor may have
died between a commit and its invalidation."""

import asyncio
import time

import structlog
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from fabricloop.core.cache import Cache

log = structlog.get_logger(__name__)

REFRESH_SECONDS = 1.0
# How long a shutdown waits for the refresh loop to end.
STOP_SECONDS = 5.0
_READ = text("SELECT last_value FROM cache_epoch")
_MOVE_ON = text("SELECT nextval('cache_epoch')")


class CacheEpoch:
    def __init__(self, engine: AsyncEngine, cache: Cache) -> None:
        self.engine = engine
        self.cache = cache
        self._move_on = True  # at start-up
        self._database_down = False
        self.stopping = False

    async def sync(self) -> None:
        """Read the epoch, or move it on after a Redis failure or restart (or at start-up);
        on a database error the cache stays as trusted as it was, and the next call retries."""
        await self._check_redis()
        failures = self.cache.failures
        move_on = self._move_on or failures != self.cache.failures_covered
        try:
            async with self.engine.connect() as connection:
                value = int((await connection.execute(_MOVE_ON if move_on else _READ)).scalar_one())
        except (SQLAlchemyError, OSError) as error:
            if not self._database_down:
                log.warning("cache epoch unknown: database unreachable", error=str(error))
            self._database_down = True
            return
        if self._database_down:
            log.info("cache epoch read again")
            self._database_down = False
        self.cache.epoch = max(value, self.cache.epoch or 0)
        if move_on:
            self._move_on = False
            self.cache.failures_covered = failures
            log.info("cache epoch moved on", epoch=self.cache.epoch)

    async def _check_redis(self) -> None:
        """Ask Redis which server process it is: a restart the connections have not met yet
        (no new connection since) counts as a failure (`Cache.server`), as an error does."""
        if not self.cache.available:
            return
        try:
            info = await self.cache.redis.info("server")
        except (RedisError, OSError) as error:
            self.cache.mark_failed("info", error)
            return
        self.cache.server.saw(str(info.get("run_id", "")).encode())

    async def run_forever(self, interval_seconds: float = REFRESH_SECONDS) -> None:
        """Sync every `interval_seconds` until `stopping`. The flag, not only the task's
        cancellation, ends the loop: redis-py's asyncio client can swallow a cancellation
        that arrives during a command (redis-py issue 2028; 92 of 600 cancellations of this
        loop, measured against 0 with the Redis call taken out), and the loop then went on,
        so a shutdown that awaited it waited for ever."""
        while not self.stopping:
            started = time.monotonic()
            await self.sync()
            await asyncio.sleep(max(0.0, interval_seconds - (time.monotonic() - started)))


def start_epoch(keeper: CacheEpoch) -> "asyncio.Task[None]":
    keeper.stopping = False
    return asyncio.create_task(keeper.run_forever(), name="fabricloop-cache-epoch")


async def stop_epoch(keeper: CacheEpoch, task: "asyncio.Task[None]") -> None:
    """End the refresh loop: the flag, then the cancellation for a loop that is waiting; at
    most STOP_SECONDS, whatever happens."""
    keeper.stopping = True
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=STOP_SECONDS)
    if not done:
        log.warning("cache epoch loop still running at shutdown", waited_seconds=STOP_SECONDS)
    elif not task.cancelled() and task.exception() is not None:
        log.error("cache epoch loop failed", error=str(task.exception()))
