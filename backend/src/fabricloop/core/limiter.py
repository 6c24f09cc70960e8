"""Token buckets: the rate limits of the API (per IP), of logins (per account and IP pair, and
per account) and of registrations and uploads.

A bucket holds up to `capacity` tokens and refills at capacity / per_seconds a second; a request
takes one. Unlike a fixed window, a client can never get more than `capacity` plus what refilled
meanwhile through, whatever the timing (a fixed window let twice the limit through across a
minute boundary). The buckets live in Redis, so every process shares them, updated by one
script; while Redis is unreachable each process keeps its own buckets in memory (the limits then
hold per process instead of switching off)."""

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from redis.exceptions import RedisError

from fabricloop.core.cache import Cache, Prefetched

# KEYS[1]: the bucket (a hash of tokens and the time they were counted); KEYS[2], optional: a
# key to read in the same round trip. ARGV: capacity, refill per second, now (seconds), cost (0:
# only look). Returns {allowed, seconds until a token as a string, the value of KEYS[2]}.
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate)
  at = now
end
local allowed = 0
local wait = 0
if tokens >= math.max(cost, 1) then
  tokens = tokens - cost
  allowed = 1
else
  wait = (math.max(cost, 1) - tokens) / rate
end
if cost > 0 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
  redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
end
local reply = {allowed, tostring(wait)}
if KEYS[2] then reply[3] = redis.call('GET', KEYS[2]) end
return reply
"""


@dataclass(frozen=True, slots=True)
class Rate:
    """`capacity` requests at once, refilled over `per_seconds`."""

    capacity: int
    per_seconds: float

    @property
    def per_second(self) -> float:
        return self.capacity / self.per_seconds


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    wait_seconds: float
    prefetched: Prefetched | None = None

    @property
    def retry_after(self) -> str:
        """The Retry-After header: whole seconds, at least 1."""
        return str(max(1, math.ceil(self.wait_seconds)))


class _LocalBuckets:
    """The same buckets in this process's memory, for while Redis is unreachable; the least
    recently used are forgotten past `size` (a forgotten bucket is full again)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, rate: Rate, now: float, cost: int) -> Decision:
        tokens, at = self._buckets.get(key, (float(rate.capacity), now))
        if now > at:
            tokens, at = min(rate.capacity, tokens + (now - at) * rate.per_second), now
        need = max(cost, 1)
        allowed = tokens >= need
        if allowed:
            tokens -= cost
        if cost > 0:
            self._buckets[key] = (tokens, at)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.size:
                self._buckets.popitem(last=False)
        wait = 0.0 if allowed else (need - tokens) / rate.per_second
        return Decision(allowed, wait)


class Limiter:
    def __init__(
        self, cache: Cache, clock: Callable[[], float] = time.time, local_size: int = 100_000
    ) -> None:
        self.cache = cache
        self.clock = clock
        self.local = _LocalBuckets(local_size)
        self._take = cache.redis.register_script(_TAKE)

    async def take(
        self, key: str, rate: Rate, *, cost: int = 1, read: str | None = None
    ) -> Decision:
        """Take `cost` tokens from the bucket `key` if it has them (cost 0: only whether it has
        one); with `read`, that cache key's entry comes back in the same round trip."""
        now = self.clock()
        if self.cache.available:
            keys = (f"rl:{key}",) if read is None else (f"rl:{key}", read)
            args = (rate.capacity, rate.per_second, now, cost)
            try:
                reply = await self.cache.batch.script(self._take, keys, args)
            except (RedisError, OSError) as error:
                self.cache.mark_failed("ratelimit", error)
            else:
                entry = reply[2] if len(reply) > 2 else None
                prefetched = Prefetched(read, self.cache.current(entry)) if read else None
                return Decision(bool(reply[0]), float(reply[1]), prefetched)
        return self.local.take(key, rate, now, cost)

    async def peek(self, key: str, rate: Rate) -> Decision:
        """Whether the bucket has a token, taking none."""
        return await self.take(key, rate, cost=0)
