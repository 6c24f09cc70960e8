"""The listing caches in Redis: their keys, the change counters (generations) that retire
cached searches, and the scripts that store and invalidate entries atomically. What fills
them, and why it cannot race a change, is in materials/caching.py."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from redis.exceptions import RedisError

from fabricloop.core.cache import Cache, as_bytes

MATERIAL_TTL_SECONDS = 300
SEARCH_TTL_SECONDS = 120
SEARCH_GENERATION_KEY = "search:generation"
SEARCH_STOCK_GENERATION_KEY = "search:stock-generation"
# Where the primary's log ended after the latest listing change (core.replica).
LISTINGS_WAL_KEY = "listings:wal"


# A change to listings, atomically. KEYS[1] moves on: the listings generation (retiring every
# cached search) or the stock generation (retiring the searches that filter on quantity);
# KEYS[2] holds the log position a replica must have replayed before searches read it (ARGV[2];
# empty when unknown, which removes it: until the next change, searches read the primary);
# then, per listing, its cached detail and the set of the search entries that show it
# (KEYS[3..], in pairs): the detail goes, and with ARGV[1] 'stock' the entries too.
_LISTINGS_CHANGED = """
redis.call('INCR', KEYS[1])
if ARGV[2] == '' then
  redis.call('DEL', KEYS[2])
elseif tonumber(ARGV[2]) > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], ARGV[2])
end
for i = 3, #KEYS, 2 do
  redis.call('DEL', KEYS[i])
  if ARGV[1] == 'stock' then
    local entries = redis.call('SMEMBERS', KEYS[i + 1])
    for j = 1, #entries do redis.call('DEL', entries[j]) end
  end
  redis.call('DEL', KEYS[i + 1])
end
"""


# Compare-and-set in one step on the Redis server. KEYS[1], KEYS[2]: the listings and stock
# generations; KEYS[3]: the entry; KEYS[4..]: the sets of the listings it shows, which get the
# entry's key. ARGV: the two generations read before the database, the value, the TTL.
_STORE_IF_UNCHANGED = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1]
    or (redis.call('GET', KEYS[2]) or '0') ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4])
for i = 4, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[3])
  redis.call('EXPIRE', KEYS[i], ARGV[4])
end
return 1
"""


@dataclass(frozen=True, slots=True)
class Generations:
    """Counters of listing changes, read before the database by a reader that will cache what
    it reads: `listings` moves on a change that can alter which listings a search returns, or
    in what order; `stock` on a change of a listing's quantity alone."""

    listings: int
    stock: int
    # The cache epoch the reader saw (None: the cache is not trusted, nothing will be stored).
    epoch: int | None = None


@dataclass(frozen=True, slots=True)
class SearchState:
    """What a search reads before the database: the generations, the cached entry (if any)
    and how far a replica must have replayed (None when unknown)."""

    generations: Generations
    entry: bytes | None
    wal_position: int | None
    # The cached facets of the query (search.facets_key), when asked for.
    facets: bytes | None = None


async def generations(cache: Cache) -> Generations:
    """The change counters (zeros when Redis is unavailable: nothing will be stored)."""
    return (await search_state(cache, None)).generations


async def search_state(cache: Cache, key: str | None, facets_key: str | None = None) -> SearchState:
    """The generations, the search entry `key` (and the facets entry `facets_key`) and the
    replica's required position, in one round trip."""
    unavailable = SearchState(Generations(0, 0), entry=None, wal_position=None)
    if not cache.available:
        return unavailable
    keys = [SEARCH_GENERATION_KEY, SEARCH_STOCK_GENERATION_KEY, LISTINGS_WAL_KEY]
    try:
        listings, stock, wal, *entries = await cache.redis.mget(
            *keys, *(k for k in (key, facets_key) if k is not None)
        )
    except (RedisError, OSError) as error:
        cache.mark_failed("mget", error)
        return unavailable
    return SearchState(
        Generations(int(listings or 0), int(stock or 0), cache.epoch if cache.trusted else None),
        entry=cache.current(as_bytes(entries[0])) if key is not None else None,
        facets=cache.current(as_bytes(entries[-1])) if facets_key is not None else None,
        # No position (Redis restarted, or no change since): unknown, so the primary.
        wal_position=int(wal) if wal is not None else None,
    )


async def store_if_unchanged(
    cache: Cache,
    seen: Generations,
    key: str,
    value: bytes,
    ttl_seconds: int,
    shows: Iterable[object] = (),
) -> bool:
    """Store `value` unless a listing changed since `seen` was read (a reader that began
    before a change must not cache what it read), recording the entry in the sets of the
    listings it `shows`; never raises. The entry is stamped with the epoch `seen` carries
    (core.cache): an entry read before a Redis failure is never stored after it."""
    if seen.epoch is None or seen.epoch != cache.epoch or not cache.trusted:
        return False
    try:
        stored = await cache.run_script(
            _STORE_IF_UNCHANGED,
            keys=(
                SEARCH_GENERATION_KEY,
                SEARCH_STOCK_GENERATION_KEY,
                key,
                *(shows_key(material_id) for material_id in shows),
            ),
            args=(seen.listings, seen.stock, cache.stamp(seen.epoch, value), ttl_seconds),
        )
    except (RedisError, OSError) as error:
        cache.mark_failed("store", error)
        return False
    return bool(stored)


async def listings_changed(
    cache: Cache,
    material_ids: Iterable[object],
    wal_position: int | None,
    *,
    stock_only: bool = False,
) -> None:
    """After a change to listings has committed: drop their cached details and the cached
    searches it can affect (all of them; for a change of quantity alone, those that show
    one of the listings or filter on quantity), so no client sees the old state once the
    change has returned; with the primary's log position after it, hold replicas to it
    (None, unknown or not read: no replica is read until the next change records one)."""
    generation = SEARCH_STOCK_GENERATION_KEY if stock_only else SEARCH_GENERATION_KEY
    per_listing = [key for m in material_ids for key in (material_key(m), shows_key(m))]
    try:
        await cache.run_script(
            _LISTINGS_CHANGED,
            keys=(generation, LISTINGS_WAL_KEY, *per_listing),
            args=(
                "stock" if stock_only else "listings",
                "" if wal_position is None else str(wal_position),
            ),
        )
    except (RedisError, OSError) as error:
        cache.mark_failed("listings_changed", error)


def material_key(material_id: object) -> str:
    return f"material:{material_id}"


def shows_key(material_id: object) -> str:
    """The set of cached search entries whose page shows this listing."""
    return f"search:shows:{material_id}"


def search_key(normalised_query: str) -> str:
    return f"search:{hashlib.sha256(normalised_query.encode()).hexdigest()}"


def facets_key(normalised_facets_query: str) -> str:
    """The facets of every page and sort of one query (SearchQuery.facets_key)."""
    return f"search:facets:{hashlib.sha256(normalised_facets_query.encode()).hexdigest()}"
