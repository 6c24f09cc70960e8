"""Filling the listing caches without racing invalidations.

A reader that misses reads the search generation first, then the database, and stores its
result only if no invalidation happened in between (every change bumps the generation after
its commit). Without the check, a read that began before an update could store the old
quantity after the update's invalidation and serve it for minutes.

A search entry (`search:{hash of the normalised query}`) carries the generation it was
computed in; it is current only while the generation is unchanged, so one bump retires every
cached search, and a reader gets the generation and the entry in one round trip."""

import uuid
from collections.abc import Iterable

import structlog
from pydantic import TypeAdapter, ValidationError
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Scope

from fabricloop.core.cache import SEARCH_GENERATION_KEY, Cache, material_key
from fabricloop.core.db import after_commit
from fabricloop.core.replica import wal_position

log = structlog.get_logger(__name__)

# Compare-and-set in one step on the Redis server: KEYS[1] the generation, KEYS[2] the entry;
# ARGV: the generation read before the database, the value, the TTL in seconds.
_SET_IF_GENERATION = """
local current = redis.call('GET', KEYS[1]) or '0'
if current == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


def invalidate_after_commit(
    session: AsyncSession, cache: Cache, material_ids: Iterable[uuid.UUID]
) -> None:
    """Once the transaction has committed: drop the listings' cached details, retire every
    cached search, and hold replicas to the primary's log position after the change."""
    changed = list(material_ids)

    async def invalidate() -> None:
        try:
            position: int | None = await wal_position(session)
        except (SQLAlchemyError, OSError) as error:
            # The change is committed and the caches must go regardless.
            log.warning("log position unknown after a listing change", error=str(error))
            position = None
        await cache.invalidate_materials(changed, position)

    after_commit(session, invalidate)


async def generation(cache: Cache) -> int:
    return await cache.search_generation()


def stamped(generation: int, body: bytes) -> bytes:
    """A search entry: the generation it was computed in, a newline, the response body."""
    return b"%d\n%b" % (generation, body)


def current_body(entry: bytes | None, generation: int) -> bytes | None:
    """The body of a search entry computed in `generation`; None for a missing or older one."""
    if entry is None:
        return None
    stamp, _, body = entry.partition(b"\n")
    return body if stamp == b"%d" % generation else None


async def store_if_unchanged(
    cache: Cache, generation_seen: int, key: str, value: bytes, ttl_seconds: int
) -> bool:
    """Store `value` unless the generation moved since `generation_seen`; never raises."""
    if not cache.available:
        return False
    try:
        stored = await cache.redis.eval(
            _SET_IF_GENERATION,
            2,
            SEARCH_GENERATION_KEY,
            key,
            str(generation_seen),
            value,
            str(ttl_seconds),
        )
    except (RedisError, OSError) as error:
        cache.mark_failed("eval", error)
        return False
    return bool(stored)


_DETAIL_PREFIX = "/api/materials/"
DETAIL_ENDPOINT = _DETAIL_PREFIX + "{material_id}"
# The parser FastAPI applies to the route's `material_id`: a path it would refuse (404) must
# not be answered from the cache.
_MATERIAL_ID = TypeAdapter(uuid.UUID)


def detail_key_of(scope: Scope) -> str | None:
    """The cache key a `GET /api/materials/{id}` is about to read, for the rate limiter to
    fetch in its own round trip (`core.ratelimit`); None for every other request."""
    path: str = scope["path"]
    if scope["method"] != "GET" or not path.startswith(_DETAIL_PREFIX):
        return None
    tail = path[len(_DETAIL_PREFIX) :]
    if "/" in tail:
        return None
    try:
        return material_key(_MATERIAL_ID.validate_python(tail))
    except ValidationError:
        return None
