"""Listing search: run the SQL of repository/search.py for a checked query, and keep its
result for two minutes under the normalised query (materials.caching says what retires it)."""

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.cache import Cache
from fabricloop.core.metrics import record_search_read
from fabricloop.core.replica import ReadReplica
from fabricloop.materials import caching, listing_cache
from fabricloop.materials.listing_cache import SEARCH_TTL_SECONDS, search_key
from fabricloop.materials.repository import search as search_repository
from fabricloop.materials.schemas import MaterialSearch, MaterialSummary, Party
from fabricloop.materials.search_query import SearchQuery
from fabricloop.materials.views import UrlOf

DESCRIPTION = """Only `active` listings. Parameters (all optional, filters inclusive):
`q` (full-text over title, weighted above description, web-search syntax: `"exact phrase"`,
`or`, `-exclude`; at most 200 characters), `material_type` (repeatable: any of them),
`source_type`, `min_price`, `max_price`, `quantity` (minimum available), `currency`,
`origin_country` (ISO 3166-1 alpha-2), `certification` (a scheme of `certification_schemes`),
`seller_id`, `sort` (`relevance`, the default with `q`; `newest`, the default without;
`price_asc`; `price_desc`), `page`, `limit`. Ties are broken by id, so pages are stable.
Any invalid value (unknown type, negative or non-numeric price, `min_price > max_price`, bad
uuid, unknown currency, country or sort, a repeated single-valued parameter) is a 400
`invalid_query` whose details name the parameter. Relevance ranks the newest 1,000 matches
(all of them when there are fewer) by how well they match, title above description; any older
matches follow them, newest first. Results are cached for two minutes; a
change to a listing invalidates every result it can affect before its own response returns
(a purchase or cancellation that leaves a listing's status as it was: the results that show
it or filter on quantity).
With `DATABASE_READ_URL` set, a result may come from a replica that has every change."""


async def run_search(session: AsyncSession, query: SearchQuery, url_of: UrlOf) -> MaterialSearch:
    rows, total = await search_repository.search_rows(session, query)
    return MaterialSearch(
        materials=[
            MaterialSummary(
                material_id=r["id"],
                title=r["title"],
                material_type=r["material_type"],
                source_type=r["source_type"],
                quantity=r["quantity"],
                unit=r["unit"],
                price=r["price"],
                currency=r["currency"],
                thumbnail_url=url_of(r["thumbnail_key"]) if r["thumbnail_key"] else None,
                seller=Party(user_id=r["seller_id"], company_name=r["company_name"]),
                carbon_footprint=r["carbon_footprint"],
                created_at=r["created_at"],
            )
            for r in rows
        ],
        total=total,
        page=query.page,
        limit=query.limit,
    )


async def search_json(
    session: AsyncSession,
    replica: ReadReplica | None,
    cache: Cache,
    url_of: UrlOf,
    query: SearchQuery,
) -> bytes:
    """The search response as JSON, from the cache when this query ran since the last change
    that can affect it (materials.caching). On a miss, from the replica when it has every
    listing change, else from the primary (`session` connects only then)."""
    key = search_key(query.normalised())
    state = await listing_cache.search_state(cache, key)
    cached = caching.current_body(state.entry, state.generations)
    if cached is not None:
        return cached
    result = None
    if replica is not None:
        result = await replica.run(
            state.wal_position, lambda replica_session: run_search(replica_session, query, url_of)
        )
    if result is None:
        result = await run_search(session, query, url_of)
        record_search_read("primary")
    else:
        record_search_read("replica")
    body = result.model_dump_json().encode()
    entry = caching.stamped(state.generations, body, filters_on_stock=query.quantity is not None)
    shown = [summary.material_id for summary in result.materials]
    await listing_cache.store_if_unchanged(
        cache, state.generations, key, entry, SEARCH_TTL_SECONDS, shows=shown
    )
    return body
