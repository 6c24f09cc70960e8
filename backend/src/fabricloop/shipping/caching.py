"""Cached shipping quotes, and the rules every order is priced by. A quote depends on the
listing (price, unit, mass, status) and on its seller's profile: an entry is stamped with the
listings generation (moved by every change of a listing other than its quantity, see
materials.caching) and the shipping generation (moved by every profile change), so either
change retires it at once. A reader reads both counters before the database and stores what
it computed only if neither moved meanwhile (compare-and-set on the Redis server), so a read
that raced a change never caches the old answer.

A seller's rules (their profile's terms and zones, or none) depend on the profile alone: an
entry is stamped with the shipping generation and with the cache epoch (core.cache), read in
the batch of its turn of the event loop, and stored under the same compare-and-set. The
profile change's response leaves after the generation has moved, so no order placed after it
is priced by the old rules."""

import uuid
from dataclasses import asdict
from decimal import Decimal
from typing import Any

import orjson
import structlog
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.cache import Cache, as_bytes
from fabricloop.core.db import after_commit
from fabricloop.materials.listing_cache import SEARCH_GENERATION_KEY
from fabricloop.shipping.pricing import Profile, Zone

log = structlog.get_logger(__name__)

QUOTE_TTL_SECONDS = 300
RULES_TTL_SECONDS = 300
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


def rules_key(seller_id: uuid.UUID) -> str:
    return f"shipping:rules:{seller_id}"


# (the cache epoch, the shipping generation) a reader saw before the database.
RulesSeen = tuple[int, int]


async def read_rules(
    cache: Cache, seller_id: uuid.UUID
) -> tuple[RulesSeen | None, Profile | None, bool]:
    """What the reader saw, the seller's cached rules, and whether they were cached (a seller
    without a profile is cached as none). Nothing seen (None) when the cache is not trusted:
    nothing will be stored either."""
    epoch = cache.epoch
    if epoch is None or not cache.trusted:
        return None, None, False
    try:
        generation, entry = await cache.batch.execute(
            "MGET", SHIPPING_GENERATION_KEY, rules_key(seller_id)
        )
    except (RedisError, OSError) as error:
        cache.mark_failed("mget", error)
        return None, None, False
    seen = (epoch, int(generation or 0))
    body = cache.current(as_bytes(entry))
    if body is None:
        return seen, None, False
    stamp, _, rules = body.partition(b"\n")
    if stamp != b"%d" % seen[1]:
        return seen, None, False
    try:
        return seen, _decode_rules(orjson.loads(rules)), True
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, ArithmeticError):
        # Written by another version of this code (a deploy under way): a miss, stored anew.
        log.warning("cached shipping rules unreadable", seller_id=str(seller_id))
        return seen, None, False


async def store_rules(
    cache: Cache, seen: RulesSeen, seller_id: uuid.UUID, rules: Profile | None
) -> None:
    """Cache the rules read from the database unless the epoch or the shipping generation
    moved since `seen`. Never raises."""
    epoch, generation = seen
    if epoch != cache.epoch or not cache.trusted:
        return
    body = b"%d\n%b" % (generation, orjson.dumps(_encode_rules(rules), default=str))
    try:
        await cache.run_script(
            _STORE_IF_COUNTERS,
            keys=(SHIPPING_GENERATION_KEY, rules_key(seller_id)),
            args=(generation, cache.stamp(epoch, body), RULES_TTL_SECONDS),
        )
    except (RedisError, OSError) as error:
        cache.mark_failed("store", error)


def _encode_rules(rules: Profile | None) -> dict[str, Any] | None:
    # Decimals as their exact text (orjson's default=str): never through a float.
    return None if rules is None else asdict(rules)


# A zone's money, cached as its exact text.
_MONEY = ("base_price", "price_per_kg", "free_over")


def _decode_rules(value: dict[str, Any] | None) -> Profile | None:
    """The rules `_encode_rules` wrote; a field this version does not know, or lacks, raises
    TypeError (the caller's miss)."""
    if value is None:
        return None
    zones = tuple(
        Zone(
            **{
                **zone,
                "countries": tuple(zone["countries"]),
                **{name: None if zone[name] is None else Decimal(zone[name]) for name in _MONEY},
            }
        )
        for zone in value["zones"]
    )
    return Profile(**{**value, "zones": zones})
