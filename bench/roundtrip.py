"""What one round trip to PostgreSQL (and one to Redis) costs the app's process in CPU, by
the layer it goes through: asyncpg alone, SQLAlchemy Core, the ORM loading a listing, the
app's core.db.Direct against Core on a session's connection, and redis-py. One client, one
call at a time, against the bench's own servers; CPU of this process (`time.process_time`)
per call, and wall time. A request's app CPU is mostly these, once per statement: the
figures tell how far fewer statements, or a thinner layer, could take it."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from fabricloop.core.db import Direct
from fabricloop.materials.models import Material
from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.env import QUICK, BenchEnv

NAME = "roundtrip"
CALLS = 300 if QUICK else 3000
WARM_UP = 100
QUERY = "SELECT * FROM materials WHERE id = $1"
LISTING_COLUMNS = (
    Material.id,
    Material.seller_id,
    Material.status,
    Material.quantity,
    Material.unit,
    Material.price,
    Material.currency,
    Material.price_tiers,
)


async def _measure(call: Callable[[], Awaitable[object]]) -> dict[str, float]:
    for _ in range(WARM_UP):
        await call()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(CALLS):
        await call()
    return {
        "cpu_us": round((time.process_time() - cpu) * 1e6 / CALLS, 1),
        "wall_us": round((time.perf_counter() - wall) * 1e6 / CALLS, 1),
    }


async def _run(env: BenchEnv) -> dict[str, Any]:
    figures: dict[str, dict[str, float]] = {}
    connection = await asyncpg.connect(env.database_url)
    try:
        material_id = await connection.fetchval("SELECT id FROM materials LIMIT 1")
        assert isinstance(material_id, uuid.UUID), "the bench data has listings"
        prepared = await connection.prepare(QUERY)
        figures["asyncpg: a prepared statement"] = await _measure(
            lambda: prepared.fetchrow(material_id)
        )
        figures["asyncpg: fetchrow (its statement cache)"] = await _measure(
            lambda: connection.fetchrow(QUERY, material_id)
        )
    finally:
        await connection.close()

    engine = create_async_engine(env.sqlalchemy_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as core:
            figures["SQLAlchemy: exec_driver_sql"] = await _measure(
                lambda: core.exec_driver_sql(QUERY, (material_id,))
            )
            statement = text(QUERY.replace("$1", ":id"))
            figures["SQLAlchemy Core: text(), first row"] = await _measure(
                lambda: _first(core.execute(statement, {"id": material_id}))
            )
        async with AsyncSession(engine, expire_on_commit=False) as session:
            # As the app reads a listing's terms for an order: a Core select of its columns,
            # on the session's connection, then the same through core.db.Direct.
            columns = select(*LISTING_COLUMNS).where(Material.id == bindparam("id"))
            direct = Direct(columns)
            on_session = await session.connection()
            figures["SQLAlchemy Core: select on a session's connection"] = await _measure(
                lambda: _first(on_session.execute(columns, {"id": material_id}))
            )
            figures["fabricloop core.db.Direct: the same select"] = await _measure(
                lambda: direct.first(session, {"id": material_id})
            )
        async with AsyncSession(engine, expire_on_commit=False) as session:
            # As the app loads a listing: an ORM object, loaded afresh on every call.
            orm = (
                select(Material)
                .where(Material.id == material_id)
                .execution_options(populate_existing=True)
            )
            figures["SQLAlchemy ORM: a Material loaded"] = await _measure(
                lambda: _scalar(session.execute(orm))
            )
    finally:
        await engine.dispose()

    client = aioredis.Redis.from_url(env.redis_url)
    try:
        await client.set("bench:roundtrip", "x" * 200)
        figures["redis-py: GET"] = await _measure(lambda: client.get("bench:roundtrip"))
        await client.delete("bench:roundtrip")
    finally:
        await client.aclose()
    return {"calls": CALLS, "layers": figures}


async def _first(result: Awaitable[Any]) -> object:
    return (await result).first()


async def _scalar(result: Awaitable[Any]) -> object:
    return (await result).scalar_one()


def run(env: BenchEnv) -> dict[str, Any]:
    return asyncio.run(_run(env))


def report(result: dict[str, Any]) -> str:
    layers = result["layers"]
    driver = layers["asyncpg: a prepared statement"]["cpu_us"]
    lines = [
        f"One client, one call at a time, {result['calls']} calls each after a warm-up: the "
        f"same one-row read (`{QUERY}`, a listing's row) through each layer the app can use, "
        "then a Core select of a listing's terms on a session's connection and the same through "
        "core.db.Direct (as orders and payments send their hot statements), "
        "and a Redis GET of 200 bytes. CPU of the calling process per call (what a worker "
        "spends), wall time per call, and the CPU above asyncpg's own.",
        "",
        "| layer | CPU µs per call | wall µs per call | CPU above asyncpg |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, figures in layers.items():
        above = "" if name.startswith("redis") else f"{figures['cpu_us'] - driver:+.1f}"
        lines.append(f"| {name} | {figures['cpu_us']} | {figures['wall_us']} | {above} |")
    return "\n".join(lines)
