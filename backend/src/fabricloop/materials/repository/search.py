"""The SQL of a listing search, and the choice between its plans.

Text searches read `material_search` (migration 0006): its GIN index over each listing's
words, categorical lexemes and price terms, and its B-trees to walk the matches in sort order.
Searches without text read the partial B-trees of `materials` (migration 0003). Either way a
search picks the ids of one page first, and reads the page's columns from `materials` last.

Relevance ranks the newest RELEVANCE_WINDOW matches (all of them when there are fewer) by
`ts_rank`; older matches follow, newest first. Ranking needs each match's vector, and reading
80,000 of them takes longer than any search may: the window bounds the work by the page, not
by how common the words are (docs/decisions/materials-search-table.md).
"""

import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import RowMapping, text
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import execute_rowcount
from fabricloop.materials.models import FACET_COUNTS_ALL, MATERIAL_SEARCH_PARTITION_PREFIX
from fabricloop.materials.search_query import PRICE_SORTS, SearchQuery

RELEVANCE_WINDOW = 1_000
# Prices with a term in the GIN index of material_search (migration 0006): `le_T` for a listing
# priced at most T, `ge_T` for one priced at least T. A bound at one of them is answered by the
# index alone; another one by the nearest term outside it, then checked on each row.
PRICE_TERMS = (1, 2, 3, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000)
PRICE_TERMS_SQL = "material_search_price_terms(s.price)"
TS_QUERY = "websearch_to_tsquery('english', :q)"
Execute = Callable[[str, dict[str, Any]], Awaitable[Sequence[RowMapping]]]


def _lexeme(value: str) -> str:
    """A quoted tsquery operand: certification schemes have spaces and hyphens."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def facet_query(query: SearchQuery) -> str | None:
    """The categorical filters as a tsquery over the lexemes of material_search.document, or
    None. Every value comes from a closed vocabulary checked by parse_query."""
    parts = []
    if query.material_types:
        parts.append("(" + " | ".join(_lexeme(f"type_{t}") for t in query.material_types) + ")")
    for prefix, value in (
        ("source", query.source_type),
        ("currency", query.currency),
        ("country", query.origin_country),
        ("cert", query.certification),
    ):
        if value:
            parts.append(_lexeme(f"{prefix}_{value}"))
    return " & ".join(parts) or None


def price_terms(query: SearchQuery) -> tuple[str | None, bool]:
    """The price bounds as a tsquery over the price terms (None: no term narrows them), and
    whether it is exact, i.e. needs no check of the price on each row. Bounds in a display
    currency have no terms: each listing's price is converted first."""
    if query.converts_prices:
        return None, False
    parts = []
    exact = True
    if query.max_price is not None:
        above = [t for t in PRICE_TERMS if t >= query.max_price]
        if above:
            parts.append(f"le_{above[0]}")
        exact = bool(above) and above[0] == query.max_price
    if query.min_price is not None and query.min_price > 0:  # every price is at least 0
        below = [t for t in PRICE_TERMS if t <= query.min_price]
        if below:
            parts.append(f"ge_{below[-1]}")
        exact = exact and bool(below) and below[-1] == query.min_price
    return " & ".join(parts) or None, exact


def lexemes_only(query: SearchQuery) -> bool:
    """Whether the GIN index answers every condition of a text search exactly. Its matches
    are then counted from the index and the visibility map alone, without reading a row."""
    return (
        query.quantity is None
        and query.seller_id is None
        and not query.filters_listing_columns
        and price_terms(query)[1]
    )


# A listing's price in the display currency, as fx.service.convert computes it: through the
# EUR rates, to the cent, half-up (round() on NUMERIC); NULL when its currency has no rate.
DISPLAY_PRICE_SQL = (
    "CASE WHEN {m}.currency = :display_currency THEN {m}.price "
    "ELSE round({m}.price / CAST(CAST(:fx_rates AS jsonb) ->> {m}.currency AS numeric) "
    "* CAST(:display_rate AS numeric), 2) END"
)


def display_params(query: SearchQuery) -> dict[str, Any]:
    """The bound values of DISPLAY_PRICE_SQL (none without a display currency)."""
    if query.display_currency is None:
        return {}
    rates = dict(query.rates)
    return {
        "display_currency": query.display_currency,
        "fx_rates": orjson.dumps(rates).decode(),
        "display_rate": rates.get(query.display_currency),
    }


def price_sql(query: SearchQuery, alias: str) -> str:
    """The price a search compares: converted to the display currency when it converts
    (alias: a row with the price and currency, of materials or material_search), else the
    listing's own."""
    if query.converts_prices:
        return DISPLAY_PRICE_SQL.format(m=alias)
    return f"{alias}.price"


def _like(value: str) -> str:
    """A LIKE pattern matching `value` anywhere (its wildcards escaped)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Searched colours this long or longer have trigrams (migration 0026) to find candidates by.
COLOR_GRAM = 3
# The listings that may match a colour: those whose own colour, or a lot's with stock left,
# holds every trigram of the searched text (a superset of the matches: a lot without a colour
# takes the listing's). Both sides are GIN indexes of migration 0026, ORed in one bitmap.
COLOR_CANDIDATES = (
    "(material_color_grams(m.color) @> material_color_grams(CAST(:color_text AS text)) "
    "OR m.id = ANY(ARRAY(SELECT l.material_id FROM material_lots l "
    "WHERE material_color_grams(l.color) @> material_color_grams(CAST(:color_text AS text)) "
    "AND l.quantity > 0)))"
)


def finds_colour_candidates(query: SearchQuery) -> bool:
    """Whether a search without text has a colour long enough for its trigram indexes: it is
    counted first, and the count decides how the page finds its rows."""
    return not query.q and query.color is not None and len(query.color) >= COLOR_GRAM


def _listing_clauses(
    query: SearchQuery, clauses: list[str], params: dict[str, Any], *, candidates: bool = False
) -> None:
    """The filters on a listing's own row (alias m) and its lots, which the search table does
    not hold. Width, weight and colour are lot-level: one lot with stock left must match them
    all (its colour, else the listing's); a listing without lots matches on its own colour and
    never on width or weight. `candidates`: the colour also narrows the listings through its
    trigram indexes (a search without text, which would otherwise read listings in order and
    probe each one's lots)."""
    if query.unit is not None:
        clauses.append("m.unit = :unit")
        params["unit"] = query.unit
    if query.sample_available is not None:
        clauses.append("m.sample_available" if query.sample_available else "NOT m.sample_available")
    if query.verified_only:
        clauses.append(
            "EXISTS (SELECT 1 FROM users v WHERE v.id = m.seller_id AND v.verified_at IS NOT NULL)"
        )
    if not (query.filters_lots or query.color):
        return
    lot = ["l.material_id = m.id", "l.quantity > 0"]
    for column, low, high in (
        ("width_cm", query.min_width_cm, query.max_width_cm),
        ("weight_gsm", query.min_weight_gsm, query.max_weight_gsm),
    ):
        if low is not None:
            lot.append(f"l.{column} >= :min_{column}")
            params[f"min_{column}"] = low
        if high is not None:
            lot.append(f"l.{column} <= :max_{column}")
            params[f"max_{column}"] = high
    if query.color:
        lot.append("coalesce(l.color, m.color) ILIKE :color")
        params["color"] = _like(query.color)
        if candidates and len(query.color) >= COLOR_GRAM:
            clauses.append(COLOR_CANDIDATES)
            params["color_text"] = query.color
    matching_lot = f"EXISTS (SELECT 1 FROM material_lots l WHERE {' AND '.join(lot)})"  # noqa: S608
    if query.filters_lots:
        clauses.append(matching_lot)
    else:
        # The listing's own colour first: a listing without lots is then decided without
        # probing its lots.
        no_lots = "NOT EXISTS (SELECT 1 FROM material_lots l WHERE l.material_id = m.id)"
        clauses.append(f"((m.color ILIKE :color AND {no_lots}) OR {matching_lot})")


def _column_clauses(
    query: SearchQuery,
    alias: str,
    clauses: list[str],
    params: dict[str, Any],
    price: str | None = None,
) -> None:
    """The filters both tables hold as columns of the same name; `price`: the expression of
    the compared price (the alias' own column by default)."""
    price = price or f"{alias}.price"
    if query.min_price is not None:
        clauses.append(f"{price} >= :min_price")
        params["min_price"] = query.min_price
    if query.max_price is not None:
        clauses.append(f"{price} <= :max_price")
        params["max_price"] = query.max_price
    if query.quantity is not None:
        clauses.append(f"{alias}.quantity >= :quantity")
        params["quantity"] = query.quantity
    if query.seller_id:
        clauses.append(f"{alias}.seller_id = :seller_id")
        params["seller_id"] = query.seller_id


def text_where(query: SearchQuery, *, prune: bool) -> tuple[str, dict[str, Any]]:
    """The conditions of a text search that the GIN index of material_search (alias s) answers:
    the words, the categorical lexemes and the price terms; every value is bound. `prune` adds
    the types as a column condition, so that only their partitions are read; a count leaves it
    out, because PostgreSQL would then read every matching row to check it."""
    params: dict[str, Any] = {"q": query.q}
    categories = facet_query(query)
    if categories:
        clauses = [f"s.document @@ ({TS_QUERY} && CAST(:facets AS tsquery))"]
        params["facets"] = categories
    else:
        clauses = [f"s.document @@ {TS_QUERY}"]
    # Words that are all stop words make an empty query, which matches nothing; joined to the
    # facets it would match the whole category.
    clauses.append(f"numnode({TS_QUERY}) > 0")
    prices, _ = price_terms(query)
    if prices:
        clauses.append(f"{PRICE_TERMS_SQL} @@ CAST(:price_terms AS tsquery)")
        params["price_terms"] = prices
    if prune and query.material_types:
        clauses.append("s.material_type = ANY(:material_types)")
        params["material_types"] = list(query.material_types)
    return " AND ".join(clauses), params


def filtered_matches(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """The matches of a text search with column filters (a price between the terms, quantity,
    seller, converted prices; and through the listing's row: samples, lots, colour), as rows
    (material_id, created_at, price, document), `price` being the compared one: the rows the
    GIN index finds, then filtered. The OFFSET 0 fence keeps the planner from ANDing the GIN
    bitmap with the price B-tree, which reads hundreds of thousands of index entries to save
    reading a few thousand rows (`jersey` + max_price: 43 ms that way, 32 ms this one)."""
    where, params = text_where(query, prune=True)
    columns: list[str] = []
    join = ""
    # A converted price from the search table's own price and currency (migration 0028).
    price = price_sql(query, "t")
    if query.filters_listing_row:
        join = "JOIN materials m ON m.id = t.material_id"
        _listing_clauses(query, columns, params)
    if query.converts_prices:
        params |= display_params(query)
    _column_clauses(query, "t", columns, params, price)
    sql = f"""
        SELECT t.material_id, t.created_at, {price} AS price, t.document FROM (
            SELECT s.material_id, s.created_at, s.price, s.currency, s.quantity, s.seller_id,
                   s.document
            FROM material_search s WHERE {where} OFFSET 0
        ) t {join} WHERE {" AND ".join(columns) or "true"}"""  # noqa: S608 - fixed fragments; values are bound
    return sql, params


def plain_where(query: SearchQuery, *, candidates: bool = False) -> tuple[str, dict[str, Any]]:
    """The WHERE of a search without text over the live rows of materials (alias m).
    `candidates`: a colour also narrows the rows through its trigram indexes (for a count,
    or a page whose matches are too sparse to find by walking listings in order)."""
    clauses = ["m.status = 'active'", "m.deleted_at IS NULL"]  # LIVE: the partial indexes
    params: dict[str, Any] = {}
    if len(query.material_types) == 1:
        # Plain equality, not ANY(array): only then can the (material_type, price|created_at)
        # indexes return rows already sorted.
        clauses.append("m.material_type = :material_type")
        params["material_type"] = query.material_types[0]
    elif query.material_types:
        clauses.append("m.material_type = ANY(:material_types)")
        params["material_types"] = list(query.material_types)
    for column, value in (
        ("source_type", query.source_type),
        ("currency", query.currency),
        ("origin_country", query.origin_country),
    ):
        if value:
            clauses.append(f"m.{column} = :{column}")
            params[column] = value
    if query.certification:
        clauses.append("m.certifications @> CAST(:certification AS jsonb)")
        params["certification"] = orjson.dumps([{"scheme": query.certification}]).decode()
    _listing_clauses(query, clauses, params, candidates=candidates)
    _column_clauses(query, "m", clauses, params, price_sql(query, "m"))
    params |= display_params(query) if query.converts_prices else {}
    return " AND ".join(clauses), params


def ranked(query: SearchQuery) -> bool:
    return bool(query.q) and query.sort == "relevance"


def _sort(query: SearchQuery, alias: str, id_column: str) -> str:
    """ORDER BY of a sorted page; the id breaks every tie, so pages are stable. Converted
    prices sort listings without a rate last (alias m: a row of materials; any other alias
    has the compared price as its `price` already)."""
    price = price_sql(query, alias) if alias == "m" else f"{alias}.price"
    nulls = " NULLS LAST" if query.converts_prices else ""
    if query.sort == "price_asc":
        return f"{price} ASC{nulls}, {alias}.{id_column} ASC"
    if query.sort == "price_desc":
        return f"{price} DESC{nulls}, {alias}.{id_column} DESC"
    return f"{alias}.created_at DESC, {alias}.{id_column} DESC"


# Inside the window by rank, ties by age; outside it by age (n counts the matches newest first).
RANKED_ORDER = "{p}.n > :window, {p}.rank DESC NULLS LAST, {p}.n"
NEWEST_FIRST = "ORDER BY b.created_at DESC, b.material_id DESC"


def _ranked_window(query: SearchQuery, *, counted: bool) -> tuple[str, dict[str, Any]]:
    """Ids of a relevance page. `counted`: the matches were counted first, so only the newest
    :fetch are read (walking the created_at B-tree when matches are dense) and ranked; else
    every match is read once, ranked and counted in the same pass (`total`)."""
    if counted:
        where, params = text_where(query, prune=True)
        matches = f"""
            SELECT b.material_id, NULL::bigint AS total, b.document,
                   row_number() OVER ({NEWEST_FIRST}) AS n
            FROM (
                SELECT s.material_id, s.created_at, s.document FROM material_search s
                WHERE {where} ORDER BY s.created_at DESC, s.material_id DESC LIMIT :fetch
            ) b"""  # noqa: S608 - fixed fragments; values are bound
        rank = f"ts_rank(w.document, {TS_QUERY})"
    else:
        filtered, params = filtered_matches(query)
        # The rank is computed below the windows: they buffer every match, and a tsvector each
        # would spill to disk (OFFSET 0 keeps the subquery from being flattened into them).
        matches = f"""
            SELECT b.material_id, count(*) OVER () AS total, b.rank,
                   row_number() OVER ({NEWEST_FIRST}) AS n
            FROM (
                SELECT f.material_id, f.created_at, ts_rank(f.document, {TS_QUERY}) AS rank
                FROM ({filtered}) f OFFSET 0
            ) b"""  # noqa: S608 - fixed fragments; values are bound
        rank = "w.rank"
    sql = f"""
        SELECT r.* FROM (
            SELECT w.material_id AS id, w.n, w.total,
                   CASE WHEN w.n <= :window THEN {rank} END AS rank
            FROM ({matches}) w
        ) r
        ORDER BY {RANKED_ORDER.format(p="r")}
        LIMIT :limit OFFSET :offset"""  # noqa: S608 - fixed fragments; values are bound
    return sql, params


# A converted price sort without text merges the listings of each currency (below) for pages
# ending within this many matches; deeper pages sort every match.
MERGED_FETCH = 1_000


def merges_currencies(query: SearchQuery) -> bool:
    return (
        not query.q
        and query.converts_prices
        and query.sort in PRICE_SORTS
        and query.offset + query.limit <= MERGED_FETCH
    )


def _merged_ids(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """Ids of a page sorted by converted price, without text. Converting is monotonic within
    one currency, so each currency's listings come from the (currency, price, id) index of
    migration 0027 already in converted order (OFFSET 0: a range scan per currency, never
    one join over every match): the first :fetch of each, plus those whose
    converted price ties with the last of them (rounding to the cent makes ties: 10.02 and
    10.03 USD are both 8.02 EUR), are all a page can hold; they are merged by converted price
    and id. Listings in a currency without a rate (no converted price, last) are read only
    when the others do not fill the page."""
    where, params = plain_where(query)
    params |= display_params(query)
    params["currencies"] = [code for code, _ in query.rates]
    params["fetch"] = query.offset + query.limit
    converted = DISPLAY_PRICE_SQL.format(m="m")
    ascending = query.sort == "price_asc"
    way, edge, beyond, widen = (
        ("ASC", "max", "<=", "+") if ascending else ("DESC", "min", ">=", "-")
    )
    # Prices whose converted price may tie with the edge's: within a cent of it once
    # converted (and a cent more for the division's rounding).
    slack = (
        "(0.01 * CAST(CAST(:fx_rates AS jsonb) ->> c.code AS numeric) "
        "/ CAST(:display_rate AS numeric) + 0.01)"
    )
    sql = f"""
        WITH rated AS MATERIALIZED (
            SELECT x.id, x.price FROM unnest(CAST(:currencies AS text[])) AS c(code)
            CROSS JOIN LATERAL (
                SELECT {edge}(k.price) AS price, {edge}(k.converted) AS converted FROM (
                    SELECT m.price, {converted} AS converted FROM materials m
                    WHERE {where} AND m.currency = c.code
                    ORDER BY m.price {way}, m.id {way} LIMIT :fetch
                ) k
            ) e
            CROSS JOIN LATERAL (
                SELECT m.id, {converted} AS price FROM materials m
                WHERE {where} AND m.currency = c.code
                  AND m.price {beyond} e.price {widen} {slack}
                OFFSET 0
            ) x
            WHERE x.price {beyond} e.converted
        )
        SELECT r.id, NULL::bigint AS n, NULL::bigint AS total, NULL::real AS rank FROM (
            SELECT rated.id, rated.price FROM rated
            UNION ALL
            (SELECT m.id, NULL::numeric FROM materials m
             WHERE {where} AND m.currency <> ALL(CAST(:currencies AS text[]))
               AND (SELECT count(*) FROM rated) < :fetch
             ORDER BY m.id {way} LIMIT :fetch)
        ) r
        ORDER BY r.price {way} NULLS LAST, r.id {way} LIMIT :limit OFFSET :offset"""  # noqa: S608
    return sql, params


def _sorted_ids(
    query: SearchQuery, *, counted: bool, candidates: bool = False
) -> tuple[str, dict[str, Any]]:
    """Ids of a page sorted by date or price."""
    if merges_currencies(query):
        return _merged_ids(query)
    if not query.q:
        where, params = plain_where(query, candidates=candidates)
        sql = f"""
            SELECT m.id, NULL::bigint AS n, NULL::bigint AS total, NULL::real AS rank
            FROM materials m WHERE {where}
            ORDER BY {_sort(query, "m", "id")} LIMIT :limit OFFSET :offset"""  # noqa: S608
    elif counted:
        where, params = text_where(query, prune=True)
        sql = f"""
            SELECT s.material_id AS id, NULL::bigint AS n, NULL::bigint AS total,
                   NULL::real AS rank
            FROM material_search s WHERE {where}
            ORDER BY {_sort(query, "s", "material_id")} LIMIT :limit OFFSET :offset"""  # noqa: S608
    else:
        # Counted in the same pass: every match is read anyway.
        filtered, params = filtered_matches(query)
        sql = f"""
            SELECT b.material_id AS id, NULL::bigint AS n, b.total, NULL::real AS rank FROM (
                SELECT f.material_id, f.price, f.created_at, count(*) OVER () AS total
                FROM ({filtered}) f
            ) b
            ORDER BY {_sort(query, "b", "material_id")} LIMIT :limit OFFSET :offset"""  # noqa: S608
    return sql, params


def page_sql(
    query: SearchQuery, *, counted: bool, candidates: bool = False
) -> tuple[str, dict[str, Any]]:
    """The page's rows in order. `counted`: the total is known already (a text search whose
    conditions are all lexemes is counted first); otherwise a text page counts its matches in
    the same pass. `candidates`: see plain_where."""
    if counted and query.q and not lexemes_only(query):
        raise ValueError("only a search the GIN index answers exactly is counted first")
    if ranked(query):
        ids, params = _ranked_window(query, counted=counted)
        params |= {"window": RELEVANCE_WINDOW, "fetch": _fetch(query)}
        outer_order = RANKED_ORDER.format(p="p")
    else:
        ids, params = _sorted_ids(query, counted=counted, candidates=candidates)
        outer_order = _sort(query, "m", "id")
    params |= {"limit": query.limit, "offset": query.offset} | display_params(query)
    display = DISPLAY_PRICE_SQL.format(m="m") if query.display_currency else "NULL::numeric"
    # Ids first, then the columns of just one page: the sort never drags wide rows along.
    sql = f"""
        SELECT m.id, m.title, m.material_type, m.source_type, m.quantity, m.unit, m.price,
               m.currency, m.created_at, m.seller_id, u.company_name, p.total,
               {display} AS display_price,
               (SELECT i.thumbnail_key FROM images i WHERE i.material_id = m.id
                ORDER BY i.position, i.created_at, i.id LIMIT 1) AS thumbnail_key,
               (SELECT s.carbon_footprint FROM sustainability_metrics s
                WHERE s.material_id = m.id
                ORDER BY s.recorded_at DESC, s.id DESC LIMIT 1) AS carbon_footprint,
               u.verified_at IS NOT NULL AS seller_verified
        FROM ({ids}
        ) p
        JOIN materials m ON m.id = p.id
        JOIN users u ON u.id = m.seller_id
        ORDER BY {outer_order}
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound parameters
    return sql, params


def _fetch(query: SearchQuery) -> int:
    """How many matches a page needs in its base order (newest first for relevance)."""
    needed = query.offset + query.limit
    return max(RELEVANCE_WINDOW, needed) if ranked(query) else needed


def count_bound(query: SearchQuery) -> int:
    """How many matches a bounded count counts: the query's count_limit, or as many as reach
    the end of the page asked for, if more."""
    return max(query.count_limit, query.offset + query.limit)


LISTINGS_ESTIMATE = (
    "(SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c WHERE c.oid = 'materials'::regclass)"
)


def count_sql(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """The number of matches, and `walked`: the live rows of the partitions a walk in sort
    order would go through for a text search of lexemes only, the listings for a search without
    text, 0 for another (the planner's estimate, from the last ANALYZE). Only the count of the
    first, answered by the GIN index, is exact whatever the number: every other counts at
    most count_bound + 1 matches (more means `total` is approximate), as a filter no index
    holds (a country, a colour) would otherwise read every listing."""
    if not query.q or not lexemes_only(query):
        walked = "0"
        if query.q:
            matches, params = filtered_matches(query)
        else:
            where, params = plain_where(query, candidates=True)
            walked = LISTINGS_ESTIMATE
            matches = f"SELECT 1 FROM materials m WHERE {where}"  # noqa: S608
        sql = f"SELECT count(*) AS total, {walked} AS walked FROM ({matches} LIMIT :bound) f"  # noqa: S608
        return sql, {**params, "bound": count_bound(query) + 1}
    where, params = text_where(query, prune=False)
    partitions = [MATERIAL_SEARCH_PARTITION_PREFIX + t for t in query.material_types]
    sql = f"""
        SELECT count(*) AS total, (
            SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'material_search'::regclass
              AND (cardinality(CAST(:partitions AS text[])) = 0
                   OR c.relname = ANY(CAST(:partitions AS text[])))
        ) AS walked
        FROM material_search s WHERE {where}"""  # noqa: S608 - fixed fragments; values are bound
    return sql, {**params, "partitions": partitions}


def walks(query: SearchQuery, total: int, walked: int) -> bool:
    """Whether a counted page walks a B-tree in its order, or reads every match from the
    index of its words (or its colour) and sorts them. The walk reads about fetch x walked /
    total rows before it has the page (matches spread evenly), the GIN index `total`: the
    smaller wins."""
    return total * total > _fetch(query) * walked


# Each search transaction: a plan per query, because the driver prepares statements and after
# five runs PostgreSQL may switch to a generic plan that ignores the values (for a selective
# text query with a wide price range, that plan walked the whole price index: seconds instead
# of milliseconds). work_mem: a page that counts its matches in the same pass buffers (id,
# date, rank) for tens of thousands of them. No sequential scans for text: a partition where
# most rows match looks cheaper to scan than to count from its GIN index and visibility map,
# but reading every row's vector costs five times as much (80,000 rows: 55 ms against 9 ms).
SEARCH_SETTINGS = (
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('work_mem', :work_mem, true), set_config('enable_seqscan', :seqscan, true)"
)
SEARCH_WORK_MEM = "16MB"
# The planner can't estimate how many rows several lexemes match together (it multiplies their
# frequencies: `organic & cotton & type_organic_cotton` is estimated at 1 row, not 80,000),
# so a counted text page chooses its plan itself.
PLAN_SETTINGS = (
    "SELECT set_config('enable_bitmapscan', :bitmap, true), "
    "set_config('enable_indexscan', :index, true)"
)


def search_settings(query: SearchQuery) -> dict[str, str]:
    return {"work_mem": SEARCH_WORK_MEM, "seqscan": "off" if query.q else "on"}


def plan_settings(walk: bool) -> dict[str, str]:
    return {"bitmap": "off" if walk else "on", "index": "on" if walk else "off"}


def total_from_page(query: SearchQuery, rows: Sequence[RowMapping]) -> int | None:
    """The total when the page tells it: a page that counted its matches, or a page that
    isn't full (the last one). None: a count is needed."""
    if rows and rows[0]["total"] is not None:
        return int(rows[0]["total"])
    if (rows and len(rows) < query.limit) or (not rows and query.offset == 0):
        return query.offset + len(rows)
    return None


@dataclass(frozen=True)
class Total:
    # The number of matches; when `approximate`, a lower bound (count_bound): there are more.
    count: int
    approximate: bool


async def page_rows(
    query: SearchQuery, execute: Execute, known: Total | None = None
) -> tuple[Sequence[RowMapping], Total]:
    """The rows of the page and the total, by the cheapest plan for this query. `known`: the
    total, counted already (for a search without text, see shares_facet_rows)."""
    await execute(SEARCH_SETTINGS, search_settings(query))
    if known is not None and not query.q:
        if known.count <= query.offset:
            return [], known
        # As below: sparse colour matches come from the candidates, dense ones from a walk.
        candidates = finds_colour_candidates(query) and not known.approximate
        sql, params = page_sql(query, counted=False, candidates=candidates)
        return await execute(sql, params), known
    counted = bool(query.q) and lexemes_only(query)
    total: int | None = None
    candidates = False
    if counted or finds_colour_candidates(query):
        sql, params = count_sql(query)
        (row,) = await execute(sql, params)
        total = int(row["total"])
        if total <= query.offset:
            return [], Total(total, approximate=False)
        walk = walks(query, total, int(row["walked"]))
        if counted:
            await execute(PLAN_SETTINGS, plan_settings(walk))
        else:
            # Dense matches are found walking the listings in order; sparse ones from the
            # colour's candidates, then sorted.
            candidates = not walk
    sql, params = page_sql(query, counted=counted, candidates=candidates)
    rows = await execute(sql, params)
    bounded = total is not None and not counted  # counted first, to the bound
    if total is None:
        total = total_from_page(query, rows)
    if total is None:
        sql, params = count_sql(query)
        total = int((await execute(sql, params))[0]["total"])
        bounded = True
    if bounded and total > count_bound(query):
        return rows, Total(count_bound(query), approximate=True)
    return rows, Total(total, approximate=False)


def executor(session: AsyncSession) -> Execute:
    async def execute(sql: str, params: dict[str, Any]) -> Sequence[RowMapping]:
        return (await session.execute(text(sql), params)).mappings().all()

    return execute


async def search_rows(
    session: AsyncSession, query: SearchQuery, known: Total | None = None
) -> tuple[Sequence[RowMapping], Total]:
    """The rows of the page and the total (`page_rows` in the session)."""
    return await page_rows(query, executor(session), known)


FACETS = ("material_type", "source_type", "certification", "origin_country")
# Each listing's certification schemes, once each (certifications is a list of objects).
_SCHEMES_OF = """
    SELECT DISTINCT c ->> 'scheme' AS scheme
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b.certifications) = 'array'
                                   THEN b.certifications ELSE '[]'::jsonb END) AS c
    WHERE jsonb_typeof(c) = 'object' AND c ->> 'scheme' IS NOT NULL"""


def _facet_conditions(query: SearchQuery, params: dict[str, Any], alias: str) -> dict[str, str]:
    """Each facet's own filter over a row of materials (alias m) or of material_search (alias
    s: its schemes instead of the certifications), never NULL; `true` when unset."""
    conditions = dict.fromkeys(FACETS, "true")
    if query.material_types:
        conditions["material_type"] = f"{alias}.material_type = ANY(:material_types)"
        params["material_types"] = list(query.material_types)
    if query.source_type:
        conditions["source_type"] = f"{alias}.source_type = :source_type"
        params["source_type"] = query.source_type
    if query.origin_country:
        conditions["origin_country"] = f"coalesce({alias}.origin_country = :origin_country, false)"
        params["origin_country"] = query.origin_country
    if query.certification and alias == "s":
        conditions["certification"] = "coalesce(:scheme = ANY(s.schemes), false)"
        params["scheme"] = query.certification
    elif query.certification:
        conditions["certification"] = "m.certifications @> CAST(:certification AS jsonb)"
        params["certification"] = orjson.dumps([{"scheme": query.certification}]).decode()
    return conditions


# The live facets of a search read at most this many candidate rows (its matches and the rows
# failing just one facet filter); past it they are estimated from those rows, `approximate`.
FACET_SAMPLE = 10_000


def facets_sql(
    query: SearchQuery, limits: Mapping[str, int] | None = None
) -> tuple[str, dict[str, Any]]:
    """Rows (facet, value, count, part): for each facet of FACETS, the matches of the query
    without that facet's own filter, counted by value. One pass: the rows that fail at most one
    facet filter are read once, with a flag per filter; each facet counts those whose other
    flags hold. Which rows: the first FACET_SAMPLE + 1, in whatever order the plan reads them
    (`part` NULL); or, with `limits` (a text search, see partition_limits), from each partition
    of material_search its limit + 1 (`part`: the partition), so that a sample of a text search
    spreads over every material type its matches have. Two more rows per part: `_read`, the
    rows read, and `_matched`, those of them that match the query."""
    params: dict[str, Any] = {"sample": FACET_SAMPLE + 1}
    clauses: list[str] = []
    if query.q:
        # The search table holds every facet's value and the price's currency (migration
        # 0028): the listing's row is read only for a filter that only it holds.
        alias, source = "s", "material_search s"
        join = " JOIN materials m ON m.id = s.material_id" if query.filters_listing_row else ""
        source += join
        clauses += [f"s.document @@ {TS_QUERY}", f"numnode({TS_QUERY}) > 0"]
        params["q"] = query.q
        prices, _ = price_terms(query)
        if prices:
            clauses.append(f"{PRICE_TERMS_SQL} @@ CAST(:price_terms AS tsquery)")
            params["price_terms"] = prices
        schemes, schemes_of = "s.schemes", "SELECT unnest(b.schemes) AS scheme"
        certified = "cardinality(b.schemes) > 0"
    else:
        alias, source = "m", "materials m"
        clauses += ["m.status = 'active'", "m.deleted_at IS NULL"]
        schemes, schemes_of = "m.certifications", _SCHEMES_OF
        certified = "b.certifications <> '[]'::jsonb"
    if query.currency:
        clauses.append(f"{alias}.currency = :currency")
        params["currency"] = query.currency
    _listing_clauses(query, clauses, params, candidates=not query.q)
    _column_clauses(query, alias, clauses, params, price_sql(query, alias))
    if query.converts_prices:
        params |= display_params(query)
    flag = _facet_conditions(query, params, alias)
    filtered = [f for f in FACETS if flag[f] != "true"]
    if len(filtered) > 1:  # rows failing two facet filters count for no facet
        clauses.append(
            " + ".join(f"({flag[f]})::int" for f in filtered) + f" >= {len(filtered) - 1}"
        )

    # Most listings have no certificate: their schemes are not looked for (a third of the
    # pass over 10,001 rows went into reading each one's empty list).
    def others(facet: str) -> str:
        return " AND ".join(f"b.{f}_ok" for f in FACETS if f != facet)

    columns = (
        f"{alias}.material_type, {alias}.source_type, {alias}.origin_country, {schemes}, "
        + ", ".join(f"{flag[f]} AS {f}_ok" for f in FACETS)
    )
    where = " AND ".join(clauses)
    if query.q and limits:
        branches = []
        for n, (partition, limit) in enumerate(sorted(limits.items())):
            branches.append(
                f"(SELECT CAST(:part_{n} AS text) AS part, {columns} "  # noqa: S608
                f'FROM "{partition}" s{join} WHERE {where} LIMIT :limit_{n})'
            )
            params |= {f"part_{n}": partition, f"limit_{n}": limit + 1}
        rows = "\n            UNION ALL\n            ".join(branches)
    else:
        rows = f"SELECT NULL::text AS part, {columns} FROM {source} WHERE {where} LIMIT :sample"  # noqa: S608
    sql = f"""
        WITH base AS MATERIALIZED (
            {rows}
        )
        SELECT 'material_type' AS facet, b.material_type AS value, count(*) AS count, b.part
        FROM base b WHERE {others("material_type")} GROUP BY b.material_type, b.part
        UNION ALL
        SELECT 'source_type', b.source_type, count(*), b.part
        FROM base b WHERE {others("source_type")} GROUP BY b.source_type, b.part
        UNION ALL
        SELECT 'origin_country', b.origin_country, count(*), b.part
        FROM base b WHERE {others("origin_country")} AND b.origin_country IS NOT NULL
        GROUP BY b.origin_country, b.part
        UNION ALL
        SELECT 'certification', x.scheme, count(*), b.part
        FROM base b CROSS JOIN LATERAL ({schemes_of}) x
        WHERE {certified} AND {others("certification")} GROUP BY x.scheme, b.part
        UNION ALL
        SELECT '_read', NULL, count(*), b.part FROM base b GROUP BY b.part
        UNION ALL
        SELECT '_matched', NULL, count(*), b.part FROM base b
        WHERE {" AND ".join(f"b.{f}_ok" for f in FACETS)} GROUP BY b.part"""  # noqa: S608 - fixed fragments; values are bound
    return sql, params


# The partitions of material_search, by name (one per material type, and the default).
PARTITIONS_SQL = """
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'material_search'::regclass ORDER BY c.relname"""


def partition_counts_sql(partitions: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """The text matches of each partition, from its GIN index and visibility map alone (no
    column is read, so the heap is not): (part, matches)."""
    params: dict[str, Any] = {}
    branches = []
    for n, partition in enumerate(partitions):
        branches.append(
            f"SELECT CAST(:part_{n} AS text) AS part, count(*) AS matches "  # noqa: S608
            f'FROM "{partition}" s WHERE s.document @@ {TS_QUERY} AND numnode({TS_QUERY}) > 0'
        )
        params[f"part_{n}"] = partition
    return "\n    UNION ALL\n    ".join(branches), params


def partition_limits(matches: Mapping[str, int]) -> dict[str, int] | None:
    """How many candidate rows the facets of a text search read from each partition: None
    (every one) when its text matches, a bound of the candidates, are at most FACET_SAMPLE;
    else FACET_SAMPLE shared by the partitions' matches, at least one each."""
    total = sum(matches.values())
    if total <= FACET_SAMPLE:
        return None
    return {p: max(1, math.ceil(FACET_SAMPLE * n / total)) for p, n in matches.items() if n}


def aggregated(query: SearchQuery) -> bool:
    """Whether material_facet_counts answers the query's facets: no text, and no filter but
    the facets' own."""
    return not (
        query.q
        or query.currency
        or query.min_price is not None
        or query.max_price is not None
        or query.quantity is not None
        or query.seller_id
        or query.sample_available is not None
        or query.unit is not None
        or query.filters_lots
        or query.color is not None
        or query.verified_only
    )


def aggregate_facets_sql(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """Rows (facet, value, count) as facets_sql's, summed from material_facet_counts (alias c):
    the rows of every listing (scheme '') or, under a certification filter, of the listings
    certified by it; the certification facet from the rows of each scheme."""
    params: dict[str, Any] = {"all": FACET_COUNTS_ALL, "certification": query.certification}
    condition = {
        "material_type": "c.material_type = ANY(:material_types)" if query.material_types else "",
        "source_type": "c.source_type = :source_type" if query.source_type else "",
        "origin_country": "c.origin_country = :origin_country" if query.origin_country else "",
    }
    params |= {
        "material_types": list(query.material_types),
        "source_type": query.source_type,
        "origin_country": query.origin_country,
    }

    def where(facet: str) -> str:
        clauses = [c for f, c in condition.items() if f != facet and c]
        if facet == "certification":
            clauses.append("c.scheme <> :all")
        elif query.certification:
            clauses.append("c.scheme = :certification")
        else:
            clauses.append("c.scheme = :all")
        if facet == "origin_country":
            clauses.append("c.origin_country IS NOT NULL")
        return " AND ".join(clauses)

    column = {"certification": "scheme"}
    sql = "\n        UNION ALL\n".join(
        f"SELECT '{f}' AS facet, c.{column.get(f, f)} AS value, sum(c.listings) AS count "  # noqa: S608
        f"FROM material_facet_counts c WHERE {where(f)} GROUP BY c.{column.get(f, f)}"
        for f in FACETS
    )
    return sql, params


@dataclass(frozen=True)
class FacetCounts:
    # Each facet's values with their counts, most frequent first (ties by value).
    counts: dict[str, list[tuple[str, int]]]
    # Estimated from a bounded sample of the candidate rows (FACET_SAMPLE), not counted.
    approximate: bool
    # Summed from material_facet_counts (as of its last rebuild).
    aggregated: bool
    # The matches among the candidate rows read (None: summed, nothing read).
    matched: int | None = None


def by_facet(
    rows: Sequence[Any], scales: Mapping[str | None, float] | None = None
) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values with their counts, from rows (facet, value, count[, part]), the
    counts of a part multiplied by its scale (1 when it has none), summed over the parts."""
    scales = scales or {}
    sums: dict[str, dict[str, float]] = {f: {} for f in FACETS}
    for row in rows:
        facet, value, count = row[0], row[1], row[2]
        if facet in sums:
            part = row[3] if len(row) > 3 else None
            sums[facet][value] = sums[facet].get(value, 0.0) + int(count) * scales.get(part, 1.0)
    counts: dict[str, list[tuple[str, int]]] = {}
    for facet, values in sums.items():
        counts[facet] = sorted(((v, round(c)) for v, c in values.items()), key=_most_first)
    return counts


def _most_first(value_count: tuple[str, int]) -> tuple[int, str]:
    return -value_count[1], value_count[0]


@dataclass(frozen=True)
class FacetSample:
    # The rows of facets_sql, and the limits per partition it read with (None: one LIMIT).
    rows: Sequence[Any]
    limits: Mapping[str, int] | None


async def facet_counts(session: AsyncSession, query: SearchQuery, total: int) -> FacetCounts:
    """The facets of a query whose matches number `total`: from material_facet_counts when
    it answers them (and has been built), else from the candidate rows, read whole when there
    are at most FACET_SAMPLE of them, else estimated from the first FACET_SAMPLE + 1: each
    count scaled by total / the matches among them."""
    if aggregated(query):
        sql, params = aggregate_facets_sql(query)
        rows = (await session.execute(text(sql), params)).all()
        if rows or await session.scalar(text(FACET_COUNTS_BUILT)):
            return FacetCounts(by_facet(rows), approximate=False, aggregated=True)
    return sampled_facets(await facet_rows(session, query), total)


async def facet_rows(session: AsyncSession, query: SearchQuery) -> FacetSample:
    """The candidate rows' counts of facets_sql (a text search's spread over the partitions
    its matches are in), in a session of its own or after the page's statements in the same
    one."""
    await session.execute(text(SEARCH_SETTINGS), search_settings(query))
    # The page's plan choice (PLAN_SETTINGS) holds to the end of the transaction: undo it.
    await session.execute(text(PLAN_SETTINGS), {"bitmap": "on", "index": "on"})
    limits = None
    if query.q:
        partitions = (await session.execute(text(PARTITIONS_SQL))).scalars().all()
        sql, params = partition_counts_sql(partitions)
        counted = await session.execute(text(sql), params | {"q": query.q})
        limits = partition_limits({part: int(n) for part, n in counted.all()})
    sql, params = facets_sql(query, limits)
    return FacetSample((await session.execute(text(sql), params)).all(), limits)


def sampled_facets(sample: FacetSample, total: int) -> FacetCounts:
    """The facets from facet_rows of a query whose matches number `total`: exact when every
    candidate row was read. Else the parts read whole count as they are, and the counts of
    the parts cut at their limit are scaled by the matches left to them (total minus those of
    the whole parts) / their matches among the rows read."""
    read: dict[str | None, int] = {}
    matched: dict[str | None, int] = {}
    for facet, _, count, part in sample.rows:
        if facet in ("_read", "_matched"):
            sizes = read if facet == "_read" else matched
            sizes[part] = sizes.get(part, 0) + int(count)
    all_matched = sum(matched.values())
    cut: set[str | None]
    if sample.limits is None:
        cut = {None} if read.get(None, 0) > FACET_SAMPLE else set()
    else:
        cut = {p for p, limit in sample.limits.items() if read.get(p, 0) > limit}
    if not cut:
        counts = by_facet(sample.rows)
        return FacetCounts(counts, approximate=False, aggregated=False, matched=all_matched)
    of_cut = sum(matched.get(p, 0) for p in cut)
    scale = (total - (all_matched - of_cut)) / of_cut if of_cut else 1.0
    counts = by_facet(sample.rows, dict.fromkeys(cut, max(scale, 1.0)))
    return FacetCounts(counts, approximate=True, aggregated=False, matched=all_matched)


def shares_facet_rows(query: SearchQuery) -> bool:
    """Whether the candidate rows of the facets are those the bounded count reads: a search
    without text nor facet filter, whose facets are counted from its rows (another filter),
    and whose count stops where the facets' sample does. Its total then comes from the facets'
    pass, and one pass over those rows is saved (the colour's or a price bound's 10,001)."""
    return (
        not query.q
        and not aggregated(query)
        and not (
            query.material_types or query.source_type or query.origin_country or query.certification
        )
        and count_bound(query) == FACET_SAMPLE
    )


def total_of(found: FacetCounts, query: SearchQuery) -> Total:
    """The total of a query that shares_facet_rows, from its facets' pass."""
    if found.matched is None:
        raise ValueError("the facets were not counted from the query's rows")
    if found.matched > count_bound(query):
        return Total(count_bound(query), approximate=True)
    return Total(found.matched, approximate=False)


FACET_COUNTS_BUILT = "SELECT EXISTS (SELECT 1 FROM material_facet_counts)"
# The whole table again, from the live listings, in one transaction (the job's): a search sees
# the previous counts or these, never a mix. The job's advisory lock keeps two runs apart.
REBUILD_FACET_COUNTS = (
    "DELETE FROM material_facet_counts",
    f"""
    INSERT INTO material_facet_counts
        (scheme, material_type, source_type, origin_country, listings)
    SELECT x.scheme, b.material_type, b.source_type, b.origin_country, count(*)
    FROM materials b
    CROSS JOIN LATERAL (SELECT CAST(:all AS text) AS scheme UNION ALL {_SCHEMES_OF}) x
    WHERE b.status = 'active' AND b.deleted_at IS NULL
    GROUP BY x.scheme, b.material_type, b.source_type, b.origin_country""",  # noqa: S608
)


async def rebuild_facet_counts(session: AsyncSession) -> int:
    """Rebuild material_facet_counts; the number of its rows."""
    await session.execute(text(REBUILD_FACET_COUNTS[0]))
    return await execute_rowcount(session, text(REBUILD_FACET_COUNTS[1]), {"all": FACET_COUNTS_ALL})


async def matching_ids(
    session: AsyncSession, query: SearchQuery, material_ids: Sequence[Any], not_seller: Any
) -> list[tuple[Any, str]]:
    """(id, title) of those of `material_ids` the query matches now (live, every filter),
    whatever the page, leaving out the listings of `not_seller`: the WHERE of a search
    without text over materials, plus the words of `q`."""
    where, params = plain_where(query)
    if query.q:
        where += (
            " AND m.search_vector @@ websearch_to_tsquery('english', :q)"
            " AND numnode(websearch_to_tsquery('english', :q)) > 0"
        )
        params["q"] = query.q
    sql = f"""
        SELECT m.id, m.title FROM materials m
        WHERE {where} AND m.id = ANY(:ids) AND m.seller_id <> :not_seller
        ORDER BY m.created_at, m.id"""  # noqa: S608 - fixed fragments; values are bound
    values = {**params, "ids": list(material_ids), "not_seller": not_seller}
    return [(row.id, row.title) for row in await session.execute(text(sql), values)]
