"""Listing search: run the SQL of repository/search.py for a checked query, and keep its
result for two minutes under the normalised query (materials.caching says what retires it)."""

import asyncio
import dataclasses

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core import db
from fabricloop.core.cache import Cache
from fabricloop.core.metrics import record_search_read
from fabricloop.core.replica import ReadReplica
from fabricloop.fx import service as fx
from fabricloop.materials import caching, listing_cache
from fabricloop.materials.errors import InvalidSearch
from fabricloop.materials.listing_cache import SEARCH_TTL_SECONDS, facets_key, search_key
from fabricloop.materials.repository import search as search_repository
from fabricloop.materials.schemas import (
    FacetValue,
    MaterialSearch,
    MaterialSummary,
    Party,
    SearchFacets,
)
from fabricloop.materials.search_query import SearchQuery
from fabricloop.materials.views import UrlOf

DESCRIPTION = """Only `active` listings. Parameters (all optional, filters inclusive):
`q` (full-text over title, weighted above description, web-search syntax: `"exact phrase"`,
`or`, `-exclude`; at most 200 characters), `material_type` (repeatable: any of them),
`source_type`, `min_price`, `max_price`, `quantity` (minimum available), `currency`,
`origin_country` (ISO 3166-1 alpha-2), `certification` (a scheme of `certification_schemes`),
`seller_id`, `unit` (one of `units`: prices are per unit, so prices compare like with like
only within one), `sample_available`, `min_width_cm`, `max_width_cm`, `min_weight_gsm`,
`max_weight_gsm` and `color` (lot-level: one lot with stock left must match width, weight and
colour together; a listing without lots matches `color` on its own colour, never a width or
weight), `display_currency` (prices converted at the reference rates of `GET /api/fx-rates`:
`display_price` beside each listing's own `price` and `currency`; price bounds and price sorts
then compare converted prices), `sort` (`relevance`, the default with `q`; `newest`, the
default without; `price_asc`; `price_desc`: per-unit prices, whatever the unit), `page`,
`limit`. Ties are broken by id, so pages are stable.
`total` counts the matches exactly up to 10,000 (or to the end of the page asked for, if
further); past that it is that bound and `total_approximate` is true: there are more.
`facets`: for `material_type`, `source_type`, `certification` and `origin_country`, the
`{value, count}` of the matches of the query without that facet's own filter. Without `q` and
with no filter but those four, they come from counts rebuilt every minute: they may lag the
listings by up to two minutes (a minute's rebuild, then a minute in the cache).
Otherwise they are counted from the matches when at most 10,000 listings are candidates (the
matches and those failing one facet filter); past that they are estimated from 10,000 of them
(scaled to `total`) and `facets_approximate` is true.
Any invalid value (unknown type, negative or non-numeric price, `min_price > max_price`, a
width or weight <= 0 or a minimum above its maximum, bad uuid, unknown currency, country or
sort, a display currency without a reference rate, a repeated single-valued parameter) is a 400
`invalid_query` whose details name the parameter. Relevance ranks the newest 1,000 matches
(all of them when there are fewer) by how well they match, title above description; any older
matches follow them, newest first. Results are cached for two minutes; a
change to a listing invalidates every result it can affect before its own response returns
(a purchase or cancellation that leaves a listing's status as it was: the results that show
it or filter on quantity).
With `DATABASE_READ_URL` set, a result may come from a replica that has every change."""


# Facets summed from the periodic counts are kept a minute, not the results' two: the counts
# themselves may be a minute old.
AGGREGATED_FACETS_TTL_SECONDS = 60


class CachedFacets(BaseModel):
    """The facets of a query as cached for all its pages and sorts."""

    facets: SearchFacets
    approximate: bool
    aggregated: bool


def _facets(found: search_repository.FacetCounts) -> CachedFacets:
    facets = SearchFacets(
        **{
            facet: [FacetValue(value=v, count=c) for v, c in values]
            for facet, values in found.counts.items()
        }
    )
    return CachedFacets(facets=facets, approximate=found.approximate, aggregated=found.aggregated)


async def search_page(
    session: AsyncSession,
    query: SearchQuery,
    url_of: UrlOf,
    known: search_repository.Total | None = None,
) -> tuple[list[MaterialSummary], search_repository.Total]:
    """The listings of the page and the total of matches (no facets); `known`: the total,
    counted already."""
    rows, total = await search_repository.search_rows(session, query, known)
    summaries = [
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
            seller=Party(
                user_id=r["seller_id"],
                company_name=r["company_name"],
                verified=r["seller_verified"],
            ),
            carbon_footprint=r["carbon_footprint"],
            created_at=r["created_at"],
            display_price=r["display_price"],
        )
        for r in rows
    ]
    return summaries, total


async def run_search(
    session: AsyncSession, query: SearchQuery, url_of: UrlOf, facets: CachedFacets | None = None
) -> tuple[MaterialSearch, CachedFacets]:
    """The page and its facets (`facets`: known already, from the cache)."""
    found = known = None
    if facets is None and search_repository.shares_facet_rows(query):
        # The facets first: their pass over the matches counts them too.
        bound = search_repository.count_bound(query)
        found = await search_repository.facet_counts(session, query, bound)
        known = search_repository.total_of(found, query)
    elif facets is None and not search_repository.aggregated(query):
        beside = await _page_beside_facets(session, query, url_of)
        if beside is not None:
            summaries, total, found = beside
            facets = _facets(found)
            return _result(query, summaries, total, facets), facets
    summaries, total = await search_page(session, query, url_of, known)
    if facets is None:
        found = found or await search_repository.facet_counts(session, query, total.count)
        facets = _facets(found)
    return _result(query, summaries, total, facets), facets


async def _page_beside_facets(
    session: AsyncSession, query: SearchQuery, url_of: UrlOf
) -> tuple[list[MaterialSummary], search_repository.Total, search_repository.FacetCounts] | None:
    """The page in `session` and, at the same time, the facets' pass over the candidate rows
    in a second session on the same database: neither waits for the other, and a search whose
    page reads every match (a converted price sort) takes the longer of the two, not their
    sum. The facets need the total only to scale a sample, which is done once both are in.
    None when no second session can be had (a session bound to one connection)."""
    async with db.sibling(session) as other:
        if other is None:
            return None
        try:
            async with asyncio.TaskGroup() as both:
                page = both.create_task(search_page(session, query, url_of))
                rows = both.create_task(search_repository.facet_rows(other, query))
        except BaseExceptionGroup as failed:
            # Raised as the search one statement after the other raises it, not in a group:
            # callers act on the error itself (the replica falls back to the primary on a
            # database error; the app's handlers answer it).
            raise failed.exceptions[0] from None
    summaries, total = page.result()
    return summaries, total, search_repository.sampled_facets(rows.result(), total.count)


def _result(
    query: SearchQuery,
    summaries: list[MaterialSummary],
    total: search_repository.Total,
    facets: CachedFacets,
) -> MaterialSearch:
    return MaterialSearch(
        materials=summaries,
        total=total.count,
        total_approximate=total.approximate,
        page=query.page,
        limit=query.limit,
        display_currency=query.display_currency,
        facets=facets.facets,
        facets_approximate=facets.approximate,
    )


async def with_rates(session: AsyncSession, query: SearchQuery) -> SearchQuery:
    """The query with the reference rates its display currency converts with (the latest
    day's); 400 when that currency has none."""
    if query.display_currency is None:
        return query
    latest = await fx.latest(session)
    if latest is None or query.display_currency not in latest.rates:
        raise InvalidSearch(
            details=[
                {
                    "field": "display_currency",
                    "message": f"No reference rate for {query.display_currency}.",
                }
            ]
        )
    rates = tuple(sorted((code, str(rate)) for code, rate in latest.rates.items()))
    return dataclasses.replace(query, rates=rates)


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
    query = await with_rates(session, query)
    key = search_key(query.normalised())
    key_of_facets = facets_key(query.facets_key())
    state = await listing_cache.search_state(cache, key, key_of_facets)
    cached = caching.current_body(state.entry, state.generations)
    if cached is not None:
        return cached
    stock = query.quantity is not None
    # Facets are the same on every page and sort of a query: computed once for all of them.
    facets_body = caching.current_body(state.facets, state.generations)
    facets = None if facets_body is None else CachedFacets.model_validate_json(facets_body)
    ran = None
    if replica is not None:
        ran = await replica.run(
            state.wal_position,
            lambda replica_session: run_search(replica_session, query, url_of, facets),
        )
    if ran is None:
        ran = await run_search(session, query, url_of, facets)
        record_search_read("primary")
    else:
        record_search_read("replica")
    result, found = ran
    body = result.model_dump_json().encode()
    entry = caching.stamped(state.generations, body, filters_on_stock=stock)
    shown = [summary.material_id for summary in result.materials]
    await listing_cache.store_if_unchanged(
        cache, state.generations, key, entry, SEARCH_TTL_SECONDS, shows=shown
    )
    if facets is None:
        facets_entry = caching.stamped(
            state.generations, found.model_dump_json().encode(), filters_on_stock=stock
        )
        ttl = AGGREGATED_FACETS_TTL_SECONDS if found.aggregated else SEARCH_TTL_SECONDS
        await listing_cache.store_if_unchanged(
            cache, state.generations, key_of_facets, facets_entry, ttl
        )
    return body


async def refresh_facet_counts(session: AsyncSession) -> int:
    """The periodic job: rebuild the facet counts of searches without text (the rows kept)."""
    return await search_repository.rebuild_facet_counts(session)
