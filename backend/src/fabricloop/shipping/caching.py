"""Cached shipping quotes. A quote depends on the listing (price, unit, mass, status) and on
its seller's profile: an entry is stamped with the listings generation (moved by every change
of a listing other than its quantity, see materials.caching) and the shipping generation
(moved by every profile change), so either change retires it at once. A reader reads both
counters before the database and stores what it computed only if neither moved meanwhile
(compare-and-set on the Redis server), so a read that raced a change never caches the old
answer."""

import uuid
from decimal import Decimal

from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.cache import Cache, as_bytes
from fabricloop.core.db import after_commit
from fabricloop.materials.listing_cache import SEARCH_GENERATION_KEY

QUOTE_TTL_SECONDS = 300
SHIPPING_GENERATION_KEY = "shipping:generation"
COUNTERS = (SEARCH_GENERATION_KEY, SHIPPING_GENERATION_KEY)
Seen = tuple[int, ...]

# KEYS: the counters, then the entry; ARGV: the counters' values read before the database,
# then the value and the TTL.
_STORE_IF_COUNTERS = """
for i = 1, #KEYS - 1 do
  if (redis.call('GET', KEYS[i]) or '0') ~= ARGV[i] then return 0 end
end
redis.call('SET', KEYS[#KEYS], ARGV[#KEYS], 'EX', ARGV[#KEYS + 1])
return 1
"""


def quote_key(
    material_id: uuid.UUID, country: str, quantity: Decimal, lot_code: str | None, pickup: bool
) -> str:
    # The lot code last: it may hold any character, ':' included.
    return f"quote:{material_id}:{country}:{quantity.normalize():f}:{int(pickup)}:{lot_code or ''}"


def _stamp(seen: Seen) -> bytes:
    return b":".join(b"%d" % v for v in seen)


async def read(cache: Cache, key: str) -> tuple[Seen | None, bytes | None]:
    """The counters and the entry's body if it is current, in one round trip; (None, None)
    when Redis is unavailable (nothing will be stored either)."""
    if not cache.available:
        return None, None
    try:
        *values, entry = await cache.redis.mget(*COUNTERS, key)
    except (RedisError, OSError) as error:
        cache.mark_failed("mget", error)
        return None, None
    seen = tuple(int(v or 0) for v in values)
    raw = as_bytes(entry)
    if raw is None:
        return seen, None
    stamp, _, body = raw.partition(b"\n")
    return seen, body if stamp == _stamp(seen) else None


async def store(cache: Cache, seen: Seen, key: str, body: bytes) -> None:
    """Store `body` unless a counter moved since `seen` was read. Never raises."""
    if not cache.available:
        return
    try:
        await cache.run_script(
            _STORE_IF_COUNTERS,
            keys=(*COUNTERS, key),
            args=(*seen, _stamp(seen) + b"\n" + body, QUOTE_TTL_SECONDS),
        )
    except (RedisError, OSError) as error:
        cache.mark_failed("store", error)


def invalidate_after_commit(session: AsyncSession, cache: Cache) -> None:
    """Once the profile change has committed, retire every cached quote."""

    async def bump() -> None:
        try:
            await cache.redis.incr(SHIPPING_GENERATION_KEY)
        except (RedisError, OSError) as error:
            cache.mark_failed("incr", error)

    after_commit(session, bump)
