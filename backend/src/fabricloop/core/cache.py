"""Redis caching that never fails a request: on any Redis error the caller sees a miss, and
Redis is left alone for a short while so a dead server costs no timeouts on every request."""

import time
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from starlette.types import Scope

log = structlog.get_logger(__name__)

BACKOFF_SECONDS = 2.0


# One command instead of a pipeline: a counter with its window's expiry (set by the first hit,
# so the window is fixed) and, optionally, a read of another key. ARGV[1]: window in seconds.
_HIT_AND_GET = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if KEYS[2] then return {count, redis.call('GET', KEYS[2])} end
return {count}
"""


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
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._down_until = 0.0
        self._hit_and_get = redis.register_script(_HIT_AND_GET)
        self._scripts: dict[str, AsyncScript] = {}

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def mark_failed(self, operation: str, error: Exception) -> None:
        self._down_until = time.monotonic() + BACKOFF_SECONDS
        log.warning("redis unavailable", operation=operation, error=str(error))

    def script(self, source: str) -> AsyncScript:
        """A Lua script registered once per cache (its SHA is computed once)."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.redis.register_script(source)
        return script

    async def get_raw(self, key: str) -> bytes | None:
        if not self.available:
            return None
        try:
            return as_bytes(await self.redis.get(key))
        except (RedisError, OSError) as error:
            self.mark_failed("get", error)
            return None

    async def hit(self, key: str, window_seconds: int) -> int | None:
        """Count one event on `key` in a fixed window; None when Redis is unavailable."""
        count, _ = await self.hit_and_get(key, window_seconds, None)
        return count

    async def hit_and_get(
        self, counter: str, window_seconds: int, key: str | None
    ) -> tuple[int | None, Prefetched | None]:
        """Count one event on `counter` and read `key` in the same round trip. (None, None)
        when Redis is unavailable."""
        if not self.available:
            return None, None
        keys = (counter,) if key is None else (counter, key)
        try:
            replies = await self._hit_and_get(keys=keys, args=(window_seconds,))
        except (RedisError, OSError) as error:
            self.mark_failed("hit", error)
            return None, None
        prefetched = Prefetched(key, replies[1]) if key is not None else None
        return int(replies[0]), prefetched


def as_bytes(value: bytes | str | None) -> bytes | None:
    return value if value is None or isinstance(value, bytes) else value.encode()
