"""Redis caching that never fails a request: on any Redis error the caller sees a miss, and
Redis is left alone for a short while so a dead server costs no timeouts on every request.

Every cached entry is stamped with the cache epoch, a number kept in PostgreSQL
(core.cache_epoch): an entry is served only while its stamp is the current epoch. A Redis
failure may have lost an invalidation (or Redis may come back from older saved data), so after
one the process serves nothing from the cache until the epoch has moved on, which retires every
entry written before, in every process."""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from redis.typing import EncodableT, KeyT
from starlette.types import Scope

from fabricloop.core.redis import AutoPipeline, RedisServer

log = structlog.get_logger(__name__)

BACKOFF_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Prefetched:
    """A cache entry read ahead of its handler (a miss when `value` is None)."""

    key: str
    value: bytes | None


PREFETCHED_SCOPE_KEY = "fabricloop.prefetched"


def prefetched(scope: Scope, key: str) -> Prefetched | None:
    """What the rate limiter read for `key` on its way in, if it read exactly that key."""
    entry: Prefetched | None = scope.get(PREFETCHED_SCOPE_KEY)
    return entry if entry is not None and entry.key == key else None


class Cache:
    def __init__(self, redis: Redis, server: RedisServer | None = None) -> None:
        self.redis = redis
        # The hot reads and the rate limiter's script, batched per turn of the event loop.
        self.batch = AutoPipeline(redis)
        # The server process Redis' connections reach (core.redis.create_redis reports it).
        self.server = server or RedisServer()
        self._down_until = 0.0
        # Set by core.cache_epoch; None until it has been read.
        self.epoch: int | None = None
        self._errors = 0
        # How many failures an epoch change has covered.
        self.failures_covered = 0
        self._scripts: dict[str, AsyncScript] = {}

    @property
    def failures(self) -> int:
        """Redis failures seen: errors, and restarts of the server (a new `run_id`)."""
        return self._errors + self.server.restarts

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    @property
    def trusted(self) -> bool:
        """Whether cached entries may be served and stored: Redis answers, the epoch is known
        and has moved on since the latest Redis failure."""
        return self.available and self.epoch is not None and self.failures == self.failures_covered

    def mark_failed(self, operation: str, error: Exception) -> None:
        if self.available:  # once per outage, not once per request
            log.warning("redis unavailable", operation=operation, error=str(error))
        self._down_until = time.monotonic() + BACKOFF_SECONDS
        self._errors += 1

    def stamp(self, epoch: int, value: bytes) -> bytes:
        """An entry as stored: its epoch, a newline, the value."""
        return b"e%d\n%b" % (epoch, value)

    def current(self, entry: bytes | None) -> bytes | None:
        """The value of a stamped entry if it belongs to the current epoch, else None."""
        if entry is None or not self.trusted:
            return None
        stamp, separator, body = entry.partition(b"\n")
        if not separator or stamp != b"e%d" % (self.epoch or 0):
            return None
        return body

    async def get_entry(self, key: str) -> bytes | None:
        """A stamped entry's value (None on a miss, or when it is from an older epoch)."""
        return self.current(await self.get_raw(key))

    def script(self, source: str) -> AsyncScript:
        """A Lua script registered once per cache (its SHA is computed once)."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.redis.register_script(source)
        return script

    async def run_script(
        self, source: str, *, keys: Sequence[KeyT], args: Sequence[EncodableT]
    ) -> Any:
        """A Lua script's reply, sent in the turn's batch with the other commands of the
        process (core.redis.AutoPipeline). Errors propagate: the caller decides what a failure
        means (mark_failed)."""
        return await self.batch.script(self.script(source), keys, args)

    async def get_raw(self, key: str) -> bytes | None:
        if not self.available:
            return None
        try:
            return as_bytes(await self.batch.execute("GET", key))
        except (RedisError, OSError) as error:
            self.mark_failed("get", error)
            return None


def as_bytes(value: bytes | str | None) -> bytes | None:
    return value if value is None or isinstance(value, bytes) else value.encode()
