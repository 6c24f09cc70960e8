"""Redis caching that never fails a request: on any Redis error the caller sees a miss, and
Redis is left alone for a short while so a dead server costs no timeouts on every request."""

import hashlib
import time
from typing import Any

import orjson
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)

BACKOFF_SECONDS = 2.0
MATERIAL_TTL_SECONDS = 300
SEARCH_TTL_SECONDS = 120
SEARCH_GENERATION_KEY = "search:generation"


class Cache:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def mark_failed(self, operation: str, error: Exception) -> None:
        self._down_until = time.monotonic() + BACKOFF_SECONDS
        log.warning("redis unavailable", operation=operation, error=str(error))

    async def get_raw(self, key: str) -> bytes | None:
        if not self.available:
            return None
        try:
            value = await self.redis.get(key)
            return value if value is None or isinstance(value, bytes) else value.encode()
        except (RedisError, OSError) as error:
            self.mark_failed("get", error)
            return None

    async def set_raw(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if not self.available:
            return
        try:
            await self.redis.set(key, value, ex=ttl_seconds)
        except (RedisError, OSError) as error:
            self.mark_failed("set", error)

    async def get_json(self, key: str) -> Any | None:
        raw = await self.get_raw(key)
        return None if raw is None else orjson.loads(raw)

    async def set_json(self, key: str, value: Any, ttl_seconds: int) -> None:
        await self.set_raw(key, orjson.dumps(value), ttl_seconds)

    async def delete(self, *keys: str) -> None:
        # Deletes are tried even during back-off: a missed invalidation would serve stale data.
        try:
            await self.redis.delete(*keys)
        except (RedisError, OSError) as error:
            self.mark_failed("delete", error)

    async def hit(self, key: str, window_seconds: int) -> int | None:
        """Count one event on `key` in a fixed window; None when Redis is unavailable."""
        if not self.available:
            return None
        try:
            # SET NX then INCR (not EXPIRE NX, which Redis 6 lacks): INCR keeps the TTL.
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.set(key, 0, ex=window_seconds, nx=True)
                pipe.incr(key)
                _, count = await pipe.execute()
            return int(count)
        except (RedisError, OSError) as error:
            self.mark_failed("hit", error)
            return None

    async def search_generation(self) -> int:
        raw = await self.get_raw(SEARCH_GENERATION_KEY)
        return int(raw) if raw is not None else 0

    async def bump_search_generation(self) -> None:
        """Make every cached search unreachable at once; the old entries expire on their own."""
        try:
            await self.redis.incr(SEARCH_GENERATION_KEY)
        except (RedisError, OSError) as error:
            self.mark_failed("incr", error)

    async def invalidate_material(self, material_id: object) -> None:
        """After any change to a listing (fields, quantity, status): drop its cached detail and
        every cached search, so no client sees the old state once the change has returned."""
        await self.delete(material_key(material_id))
        await self.bump_search_generation()


def material_key(material_id: object) -> str:
    return f"material:{material_id}"


def search_key(generation: int, normalised_query: str) -> str:
    digest = hashlib.sha256(f"{generation}:{normalised_query}".encode()).hexdigest()
    return f"search:{digest}"
