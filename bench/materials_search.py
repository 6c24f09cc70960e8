"""Uncached search latency through the HTTP API at the bench data's size, and the query plans
of the common shapes (EXPLAIN ANALYZE)."""

import asyncio
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import redis.asyncio as aioredis
from fabricloop.fx import service as fx
from fabricloop.materials.listing_cache import SEARCH_GENERATION_KEY
from fabricloop.materials.repository import search as search_sql
from fabricloop.materials.search import with_rates
from fabricloop.materials.search_query import SearchParams, SearchQuery
from fabricloop.ops.pgtools import connect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from bench.env import QUICK, BenchEnv, percentile, server

NAME = "materials_search"
# The servers it uses, (kind, workers, instance): bench.__main__ starts them all at once.
SERVERS_USED = [("uvicorn", 1, 0)]
REQUESTS_PER_SHAPE = 3 if QUICK else 30
WARMUP_PER_SHAPE = 1 if QUICK else 2

# Text plus one or two filters, each sorted, page 1 and page 50. "specific" shapes are what
# buyers type (two or three words: 0.05-0.5% of listings match); "broad" ones are single common
# words matching 2-8% of a million listings, the worst case for relevance ranking.
SHAPES: list[tuple[str, dict[str, Any]]] = [
    (
        "specific: q organic cotton jersey + max_price, relevance",
        {"q": "organic cotton jersey", "max_price": "20"},
    ),
    (
        "specific: q recycled polyester fleece + origin_country, newest",
        {"q": "recycled polyester fleece", "origin_country": "PT", "sort": "newest"},
    ),
    (
        "specific: q linen canvas + type, price_asc",
        {"q": "linen canvas", "material_type": "linen", "sort": "price_asc"},
    ),
    (
        "specific: q brushed wool melton + min_price, relevance",
        {"q": "brushed wool melton", "min_price": "5"},
    ),
    (
        "specific: q navy denim + type + price range, price_desc",
        {
            "q": "navy denim",
            "material_type": "cotton",
            "min_price": "2",
            "max_price": "30",
            "sort": "price_desc",
        },
    ),
    (
        "broad: q jersey + max_price, relevance",
        {"q": "jersey", "max_price": "15"},
    ),
    (
        "broad: q organic cotton + type, relevance",
        {"q": "organic cotton", "material_type": "organic_cotton"},
    ),
    (
        "broad: q denim + type + min_price, newest",
        {"q": "denim", "material_type": "cotton", "min_price": "5", "sort": "newest"},
    ),
    (
        "no text, no filter: newest (browse)",
        {"sort": "newest"},
    ),
    (
        "no text: type + country + certification, newest",
        {
            "material_type": "organic_cotton",
            "origin_country": "PT",
            "certification": "GOTS",
            "sort": "newest",
        },
    ),
    (
        "display currency: q denim + max_price in EUR, price_asc",
        {"q": "denim", "display_currency": "EUR", "max_price": "20", "sort": "price_asc"},
    ),
    (
        "no text: type + price range, price_asc",
        {
            "material_type": "recycled_polyester",
            "min_price": "5",
            "max_price": "20",
            "sort": "price_asc",
        },
    ),
]
PAGES = (1, 50)
# A quick run explains page 1 of each shape only (each plan runs its statements twice).
PLANNED_PAGES = (1,) if QUICK else PAGES


async def uncached_timings(
    client: httpx.AsyncClient, redis: aioredis.Redis, url: str, warmup: int, requests: int
) -> tuple[list[float], dict[str, Any]]:
    """Milliseconds of `requests` GETs of `url` after `warmup` untimed ones, each a cache miss
    (a new search generation before it), and the last response's body."""
    timings: list[float] = []
    body: dict[str, Any] = {}
    for n in range(warmup + requests):
        await redis.incr(SEARCH_GENERATION_KEY)
        started = time.perf_counter()
        response = await client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        body = response.json()
        if n >= warmup:
            timings.append(elapsed)
    return timings, body


async def _measure(base: str, redis_url: str) -> list[dict[str, Any]]:
    redis = aioredis.from_url(redis_url)
    results = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for label, params in SHAPES:
            for page in PAGES:
                query = {**params, "page": page, "limit": 20}
                url = "/api/materials?" + urlencode(query)
                timings, body = await uncached_timings(
                    client, redis, url, WARMUP_PER_SHAPE, REQUESTS_PER_SHAPE
                )
                total = body["total"]
                results.append(
                    {
                        "shape": label,
                        "page": page,
                        "total": total,
                        "p50_ms": percentile(timings, 0.50),
                        "p95_ms": percentile(timings, 0.95),
                        "p99_ms": percentile(timings, 0.99),
                        "max_ms": round(max(timings), 2),
                    }
                )
    await redis.aclose()
    return results


async def _measure_cached_facets(base: str) -> list[dict[str, Any]]:
    """Pages 2, 3, ... of each shape once each, without bumping the generation: every page
    misses the cache and runs its SQL, while the query's facets (computed for page 1) are
    served from the cache."""
    results = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for label, params in SHAPES:
            timings: list[float] = []
            for page in range(1, 2 + REQUESTS_PER_SHAPE):
                url = "/api/materials?" + urlencode({**params, "page": page, "limit": 20})
                started = time.perf_counter()
                response = await client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                if page > 1:
                    timings.append(elapsed)
            results.append(
                {
                    "shape": label,
                    "p50_ms": percentile(timings, 0.50),
                    "p95_ms": percentile(timings, 0.95),
                    "max_ms": round(max(timings), 2),
                }
            )
    return results


async def _explained(engine: AsyncEngine, query: SearchQuery) -> list[str]:
    """EXPLAIN ANALYZE of every statement run_search runs for `query`, in its order."""
    explained: list[str] = []
    async with engine.connect() as connection:

        async def execute(sql: str, values: dict[str, Any]) -> Any:
            if not sql.lstrip().startswith("SELECT set_config"):
                plan = await connection.execute(
                    text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql), values
                )
                explained.append("\n".join(r[0] for r in plan))
            return (await connection.execute(text(sql), values)).mappings().all()

        await search_sql.page_rows(query, execute)
        await execute(search_sql.PLAN_SETTINGS, {"bitmap": "on", "index": "on"})
        facets, values = search_sql.facets_sql(query)
        await execute(facets, values)
        await connection.rollback()
    return explained


async def _with_rates(engine: AsyncEngine, params: SearchParams) -> SearchQuery:
    async with AsyncSession(engine) as session:
        return await with_rates(session, params.query())


async def _plans(env: BenchEnv) -> list[dict[str, Any]]:
    engine = create_async_engine(env.sqlalchemy_url)
    plans = []
    try:
        for label, params in SHAPES:
            for page in PLANNED_PAGES:
                query = await _with_rates(
                    engine, SearchParams.model_validate({**params, "page": page, "limit": 20})
                )
                explained = await _explained(engine, query)
                plans.append({"shape": label, "page": page, "plans": explained})
    finally:
        await engine.dispose()
    return plans


async def _load_rates(env: BenchEnv) -> None:
    """The demo's reference rates (what `fabricloop fx-import` loads), for display_currency."""
    engine = create_async_engine(env.sqlalchemy_url)
    try:
        async with AsyncSession(engine) as session:
            await fx.import_default(session)
            await session.commit()
    finally:
        await engine.dispose()


SERVER_SETTINGS = ("server_version", "shared_buffers", "effective_cache_size", "random_page_cost")


async def _server_settings(env: BenchEnv) -> dict[str, str]:
    connection = await connect(env.database_url)
    try:
        return {name: await connection.fetchval(f"SHOW {name}") for name in SERVER_SETTINGS}
    finally:
        await connection.close()


def run(env: BenchEnv) -> dict[str, Any]:
    asyncio.run(_load_rates(env))
    with server(env) as base:
        latencies = asyncio.run(_measure(base, env.redis_url))
        cached_facets = asyncio.run(_measure_cached_facets(base))
    plans = asyncio.run(_plans(env))
    return {
        "requests_per_shape": REQUESTS_PER_SHAPE,
        "postgres": asyncio.run(_server_settings(env)),
        "latencies": latencies,
        "cached_facets": cached_facets,
        "plans": plans,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"Uncached `GET /api/materials` through HTTP (client-measured, one connection, "
        f"{result['requests_per_shape']} requests per row after {WARMUP_PER_SHAPE} warm-up "
        f"ones; the search generation is bumped before every request so none is a cache hit).",
        "PostgreSQL: "
        + ", ".join(f"{name} {value}" for name, value in result.get("postgres", {}).items())
        + ".",
        "",
        "| shape | page | total | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["latencies"]:
        lines.append(
            f"| {row['shape']} | {row['page']} | {row['total']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} |"
        )
    lines += [
        "",
        "Facets from the cache: pages 2 to "
        f"{1 + result['requests_per_shape']} of each shape, once each (each page runs its SQL; "
        "the facets computed with page 1 are served from the cache).",
        "",
        "| shape | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in result.get("cached_facets", []):
        lines.append(f"| {row['shape']} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} |")
    lines += [
        "",
        "<details><summary>EXPLAIN ANALYZE of each shape (every statement of the search, in "
        "order: the count first where the matches are counted from the index, the facets "
        "last)</summary>",
        "",
    ]
    for plan in result["plans"]:
        lines += [
            f"**{plan['shape']}, page {plan['page']}**",
            "",
        ]
        for statement in plan["plans"]:
            lines += ["```", statement, "```", ""]
    lines.append("</details>")
    return "\n".join(lines)
