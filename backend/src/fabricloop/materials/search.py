"""Listing search: the parameters, the SQL (PostgreSQL full-text search and B-tree filters),
and the two-minute result cache keyed by the normalised query."""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal

import orjson
from sqlalchemy import RowMapping, text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams

from fabricloop.core.cache import SEARCH_TTL_SECONDS, Cache, search_key
from fabricloop.core.countries import COUNTRY_CODES
from fabricloop.core.metrics import record_search_read
from fabricloop.core.pagination import Page
from fabricloop.core.replica import ReadReplica
from fabricloop.core.vocabulary import (
    CERTIFICATION_SCHEMES,
    CURRENCIES,
    MATERIAL_TYPES,
    SOURCE_TYPES,
)
from fabricloop.materials import caching
from fabricloop.materials.errors import InvalidSearch
from fabricloop.materials.models import SEARCHABLE_SQL
from fabricloop.materials.schemas import MaterialSearch, MaterialSummary, Party
from fabricloop.materials.views import UrlOf

Sort = Literal["relevance", "newest", "price_asc", "price_desc"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "price_asc", "price_desc")
MAX_Q_LENGTH = 200
SEARCH_WORK_MEM = "16MB"
# Up to this many matches a sorted page is read from the facet index and sorted (about 1.5 us a
# match); above it, walking a B-tree in sort order finds one page sooner.
FACET_PAGE_MAX_MATCHES = 10_000
MAX_PRICE = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("99999999999.999")
_SCHEMES = {s.casefold(): s for s in CERTIFICATION_SCHEMES}
DESCRIPTION = """Only `active` listings. Parameters (all optional, filters inclusive):
`q` (full-text over title, weighted above description, web-search syntax: `"exact phrase"`,
`or`, `-exclude`; at most 200 characters), `material_type` (repeatable: any of them),
`source_type`, `min_price`, `max_price`, `quantity` (minimum available), `currency`,
`origin_country` (ISO 3166-1 alpha-2), `certification` (a scheme of `certification_schemes`),
`seller_id`, `sort` (`relevance`, the default with `q`; `newest`, the default without;
`price_asc`; `price_desc`), `page`, `limit`. Ties are broken by id, so pages are stable.
Any invalid value (unknown type, negative or non-numeric price, `min_price > max_price`, bad
uuid, unknown currency, country or sort, a repeated single-valued parameter) is a 400
`invalid_query` whose details name the parameter. Results are cached for two minutes; a
change to a listing invalidates every result it can affect before its own response returns
(a purchase or cancellation that leaves a listing's status as it was: the results that show
it or filter on quantity).
With `DATABASE_READ_URL` set, a result may come from a replica that has every change."""


@dataclass(frozen=True)
class SearchQuery:
    q: str | None
    material_types: tuple[str, ...]
    source_type: str | None
    min_price: Decimal | None
    max_price: Decimal | None
    quantity: Decimal | None
    currency: str | None
    origin_country: str | None
    certification: str | None
    seller_id: uuid.UUID | None
    sort: Sort
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def normalised(self) -> str:
        values = asdict(self)
        values["material_types"] = sorted(set(self.material_types))
        return orjson.dumps(values, default=str, option=orjson.OPT_SORT_KEYS).decode()


class _Problems:
    def __init__(self) -> None:
        self.details: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.details.append({"field": field, "message": message})


def _single(params: QueryParams, name: str, problems: _Problems) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        problems.add(name, "Give this parameter once.")
        return None
    return values[0] if values else None


def _decimal(raw: str | None, name: str, upper: Decimal, problems: _Problems) -> Decimal | None:
    if raw is None:
        return None
    try:
        value = Decimal(raw.strip())
    except ArithmeticError:
        problems.add(name, "Must be a number.")
        return None
    if not value.is_finite() or value < 0 or value > upper:
        problems.add(name, f"Must be a number from 0 to {upper}.")
        return None
    return value


def _choice(
    raw: str | None, name: str, allowed: tuple[str, ...], problems: _Problems
) -> str | None:
    if raw is None:
        return None
    if raw not in allowed:
        problems.add(name, f"Must be one of: {', '.join(allowed)}.")
        return None
    return raw


def parse_query(params: QueryParams, page: Page) -> SearchQuery:
    """The search parameters, checked; every problem is reported at once as a 400."""
    problems = _Problems()
    q = _single(params, "q", problems)
    if q is not None:
        q = " ".join(q.split())
        if "\x00" in q or len(q) > MAX_Q_LENGTH:
            problems.add("q", f"At most {MAX_Q_LENGTH} characters, without NUL.")
        q = q or None
    types = params.getlist("material_type")
    for value in types:
        _choice(value, "material_type", MATERIAL_TYPES, problems)
    source_type = _choice(
        _single(params, "source_type", problems), "source_type", SOURCE_TYPES, problems
    )
    min_price = _decimal(_single(params, "min_price", problems), "min_price", MAX_PRICE, problems)
    max_price = _decimal(_single(params, "max_price", problems), "max_price", MAX_PRICE, problems)
    if min_price is not None and max_price is not None and min_price > max_price:
        problems.add("min_price", "Must not exceed max_price.")
    quantity = _decimal(_single(params, "quantity", problems), "quantity", MAX_QUANTITY, problems)
    currency = _single(params, "currency", problems)
    currency = _choice(currency.upper() if currency else None, "currency", CURRENCIES, problems)
    country = _single(params, "origin_country", problems)
    if country is not None:
        country = country.strip().upper()
        if country not in COUNTRY_CODES:
            problems.add("origin_country", "Must be an ISO 3166-1 alpha-2 country code.")
    certification = _single(params, "certification", problems)
    if certification is not None:
        scheme = _SCHEMES.get(certification.strip().casefold())
        if scheme is None:
            problems.add("certification", f"Must be one of: {', '.join(CERTIFICATION_SCHEMES)}.")
        certification = scheme
    seller_raw = _single(params, "seller_id", problems)
    seller_id = None
    if seller_raw is not None:
        try:
            seller_id = uuid.UUID(seller_raw)
        except ValueError:
            problems.add("seller_id", "Must be a UUID.")
    sort = _single(params, "sort", problems) or ("relevance" if q else "newest")
    if sort not in SORTS:
        problems.add("sort", f"Must be one of: {', '.join(SORTS)}.")
    if problems.details:
        raise InvalidSearch(details=problems.details)
    return SearchQuery(
        q=q,
        material_types=tuple(dict.fromkeys(types)),
        source_type=source_type,
        min_price=min_price,
        max_price=max_price,
        quantity=quantity,
        currency=currency,
        origin_country=country,
        certification=certification,
        seller_id=seller_id,
        sort=sort,  # type: ignore[arg-type]
        page=page.page,
        limit=page.limit,
    )


def facet_query(query: SearchQuery) -> str | None:
    """The categorical filters as a tsquery over the lexemes of FACETS_SQL, or None. Every value
    comes from a closed vocabulary, checked by parse_query, so none needs quoting."""
    parts = []
    if query.material_types:
        parts.append("(" + " | ".join(f"type_{t}" for t in query.material_types) + ")")
    if query.source_type:
        parts.append(f"source_{query.source_type}")
    if query.currency:
        parts.append(f"currency_{query.currency}")
    if query.origin_country:
        parts.append(f"country_{query.origin_country}")
    return " & ".join(parts) or None


def _where(query: SearchQuery, *, facets: bool = False) -> tuple[str, dict[str, Any]]:
    """The WHERE clause and its parameters; every value is a bound parameter. With `facets`,
    a text query and its categorical filters become one condition on the facet index: for a
    count or a ranking, which read every match, that reads only the rows matching both. (A
    sorted page is left to the B-trees, which can stop after one page.)"""
    clauses = ["m.status = 'active'", "m.deleted_at IS NULL"]
    params: dict[str, Any] = {}
    categories = facet_query(query) if facets and query.q else None
    if categories:
        clauses.append(
            f"{SEARCHABLE_SQL} @@ (websearch_to_tsquery('english', :q) && CAST(:facets AS tsquery))"
        )
        # Words that are all stop words make an empty query, which matches nothing; joined to
        # the facets it would match the whole category.
        clauses.append("numnode(websearch_to_tsquery('english', :q)) > 0")
        params["q"] = query.q
        params["facets"] = categories
    else:
        if query.q:
            clauses.append("m.search_vector @@ websearch_to_tsquery('english', :q)")
            params["q"] = query.q
        _category_clauses(query, clauses, params)
    if query.min_price is not None:
        clauses.append("m.price >= :min_price")
        params["min_price"] = query.min_price
    if query.max_price is not None:
        clauses.append("m.price <= :max_price")
        params["max_price"] = query.max_price
    if query.quantity is not None:
        clauses.append("m.quantity >= :quantity")
        params["quantity"] = query.quantity
    if query.certification:
        clauses.append("m.certifications @> CAST(:certification AS jsonb)")
        params["certification"] = orjson.dumps([{"scheme": query.certification}]).decode()
    if query.seller_id:
        clauses.append("m.seller_id = :seller_id")
        params["seller_id"] = query.seller_id
    return " AND ".join(clauses), params


def _category_clauses(query: SearchQuery, clauses: list[str], params: dict[str, Any]) -> None:
    """The categorical filters as B-tree conditions (when the facet index doesn't take them)."""
    if len(query.material_types) == 1:
        # Plain equality, not ANY(array): only then can the (material_type, price|created_at)
        # indexes return rows already sorted and be ANDed with the text index.
        clauses.append("m.material_type = :material_type")
        params["material_type"] = query.material_types[0]
    elif query.material_types:
        clauses.append("m.material_type = ANY(:material_types)")
        params["material_types"] = list(query.material_types)
    if query.source_type:
        clauses.append("m.source_type = :source_type")
        params["source_type"] = query.source_type
    if query.currency:
        clauses.append("m.currency = :currency")
        params["currency"] = query.currency
    if query.origin_country:
        clauses.append("m.origin_country = :origin_country")
        params["origin_country"] = query.origin_country


def _order(query: SearchQuery) -> tuple[str, str]:
    """ORDER BY of the inner (ids) query and of the outer one; id breaks every tie."""
    if query.sort == "relevance" and query.q:
        return (
            "rank DESC, m.created_at DESC, m.id DESC",
            "p.rank DESC, m.created_at DESC, m.id DESC",
        )
    if query.sort == "price_asc":
        return "m.price ASC, m.id ASC", "m.price ASC, m.id ASC"
    if query.sort == "price_desc":
        return "m.price DESC, m.id DESC", "m.price DESC, m.id DESC"
    return "m.created_at DESC, m.id DESC", "m.created_at DESC, m.id DESC"


def ranked(query: SearchQuery) -> bool:
    return bool(query.q) and query.sort == "relevance"


def page_sql(query: SearchQuery, *, facets: bool | None = None) -> tuple[str, dict[str, Any]]:
    """The page's rows. `facets` (default: for ranked queries) puts the categorical filters in
    the facet index (see _where); run_search decides it for sorted pages."""
    where, params = _where(query, facets=ranked(query) if facets is None else facets)
    inner_order, outer_order = _order(query)
    if ranked(query):
        # Ranking reads every match anyway: counting them in the same pass saves a second
        # scan of the heap. Other sorts can stop early, so they count separately (often from
        # the indexes alone). OFFSET 0 keeps the rank computed below the window: otherwise
        # the window's buffer holds each match's whole tsvector and spills to disk.
        ids = f"""
            SELECT m.id, m.rank, count(*) OVER () AS total FROM (
                SELECT m.id, m.created_at,
                       ts_rank(m.search_vector, websearch_to_tsquery('english', :q)) AS rank
                FROM materials m WHERE {where} OFFSET 0
            ) m
            ORDER BY {inner_order}
            LIMIT :limit OFFSET :offset"""  # noqa: S608 - fixed fragments; values are bound
    else:
        ids = f"""
            SELECT m.id, 0 AS rank, NULL::bigint AS total FROM materials m
            WHERE {where}
            ORDER BY {inner_order}
            LIMIT :limit OFFSET :offset"""  # noqa: S608 - fixed fragments; values are bound
    # Ids first, then the columns of just one page: the sort never drags wide rows along.
    sql = f"""
        SELECT m.id, m.title, m.material_type, m.source_type, m.quantity, m.unit, m.price,
               m.currency, m.created_at, m.seller_id, u.company_name, p.total,
               (SELECT i.thumbnail_key FROM images i WHERE i.material_id = m.id
                ORDER BY i.position, i.created_at, i.id LIMIT 1) AS thumbnail_key,
               (SELECT s.carbon_footprint FROM sustainability_metrics s
                WHERE s.material_id = m.id
                ORDER BY s.recorded_at DESC, s.id DESC LIMIT 1) AS carbon_footprint
        FROM ({ids}
        ) p
        JOIN materials m ON m.id = p.id
        JOIN users u ON u.id = m.seller_id
        ORDER BY {outer_order}
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound parameters
    return sql, {**params, "limit": query.limit, "offset": query.offset}


def count_sql(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    where, params = _where(query, facets=True)
    return f"SELECT count(*) FROM materials m WHERE {where}", params  # noqa: S608


def counts_first(query: SearchQuery) -> bool:
    """A sorted page with words and a category counts first (cheap from the facet index), then
    reads the page from the facet index when the matches are few (FACET_PAGE_MAX_MATCHES), or
    lets the B-trees walk in sort order when they are many (the walk stops after one page)."""
    return not ranked(query) and bool(query.q) and facet_query(query) is not None


def _total_from_page(query: SearchQuery, rows: Sequence[RowMapping]) -> int | None:
    """The total when the page tells it: a ranked page counts its matches, and a page that
    isn't full is the last one. None: a count is needed."""
    if rows and rows[0]["total"] is not None:
        return int(rows[0]["total"])
    if (rows and len(rows) < query.limit) or (not rows and query.offset == 0):
        return query.offset + len(rows)
    return None


async def run_search(session: AsyncSession, query: SearchQuery, url_of: UrlOf) -> MaterialSearch:
    # The driver prepares statements, and after five runs PostgreSQL may switch to a generic
    # plan that ignores the values: for a selective text query with a wide price range that
    # plan walks the whole price index (seconds instead of milliseconds). A plan per query.
    # work_mem: the count window of a broad ranked query buffers (id, date, rank) for tens of
    # thousands of matches, a few MB more than the default 4 MB.
    await session.execute(
        text(
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
            "set_config('work_mem', :work_mem, true)"
        ),
        {"work_mem": SEARCH_WORK_MEM},
    )
    total = None
    facets = None
    if counts_first(query):
        sql, params = count_sql(query)
        total = int((await session.execute(text(sql), params)).scalar_one())
        facets = total <= FACET_PAGE_MAX_MATCHES
    sql, params = page_sql(query, facets=facets)
    rows = (await session.execute(text(sql), params)).mappings().all()
    if total is None:
        total = _total_from_page(query, rows)
    if total is None:
        sql, params = count_sql(query)
        total = int((await session.execute(text(sql), params)).scalar_one())
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
    session: Callable[[], AsyncSession],
    replica: ReadReplica | None,
    cache: Cache,
    url_of: UrlOf,
    query: SearchQuery,
) -> bytes:
    """The search response as JSON, from the cache when this query ran since the last change
    that can affect it (materials.caching). On a miss, from the replica when it has every
    listing change, else from the primary: `session` is called (and a database session
    opened) only then."""
    key = search_key(query.normalised())
    state = await cache.search_state(key)
    cached = caching.current_body(state.entry, state.generations)
    if cached is not None:
        return cached
    result = None
    if replica is not None:
        result = await replica.run(
            state.wal_position, lambda replica_session: run_search(replica_session, query, url_of)
        )
    if result is None:
        result = await run_search(session(), query, url_of)
        record_search_read("primary")
    else:
        record_search_read("replica")
    body = result.model_dump_json().encode()
    entry = caching.stamped(state.generations, body, filters_on_stock=query.quantity is not None)
    shown = [summary.material_id for summary in result.materials]
    await cache.store_if_unchanged(state.generations, key, entry, SEARCH_TTL_SECONDS, shows=shown)
    return body
