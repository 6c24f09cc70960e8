"""What a notification costs as its user's unread notifications pile up: every order, payment
and message records one (notifications.service.notify) inside its transaction, with the
user's unread count for the live event. One user with 0 to 100,000 unread notifications (and
as many read); `notify` called one at a time in a transaction that is rolled back, wall time
per call; beside it the exact unread count (as GET /api/notifications takes it), which notify
took for every notification until it counted up to LIVE_UNREAD_CAP only."""

import asyncio
import time
import uuid
from typing import Any

from fabricloop.notifications.models import Notification
from fabricloop.notifications.service import LIVE_UNREAD_CAP, notify
from fabricloop.ops.pgtools import connect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from bench.env import QUICK, BenchEnv
from bench.pgbench import bench_users, delete_bench_users

NAME = "notify"
EMAIL = "bench-notify-"
PILES = (0, 1_000, 10_000) if QUICK else (0, 1_000, 10_000, 100_000)
CALLS = 50 if QUICK else 200
WARM_UP = 10


async def _timed(calls: int, call: Any) -> float:
    """Mean wall milliseconds of `call()` over `calls` calls, after a warm-up."""
    for _ in range(WARM_UP):
        await call()
    started = time.perf_counter()
    for _ in range(calls):
        await call()
    return round((time.perf_counter() - started) * 1000 / calls, 3)


async def _measure_pile(engine: AsyncEngine, user: uuid.UUID) -> tuple[float, float]:
    """(notify ms, exact count ms) for `user` as their notifications stand."""
    async with AsyncSession(engine, expire_on_commit=False) as session:

        async def one() -> None:
            await notify(session, user, "order_paid", "Order paid", "Ship it", "/x")

        exact = select(func.count()).where(
            Notification.user_id == user, Notification.read_at.is_(None)
        )

        async def count() -> None:
            await session.scalar(exact)

        notify_ms = await _timed(CALLS, one)
        await session.rollback()
        count_ms = await _timed(CALLS, count)
        await session.rollback()
    return notify_ms, count_ms


async def _run(env: BenchEnv) -> dict[str, Any]:
    connection = await connect(env.database_url)
    engine = create_async_engine(env.sqlalchemy_url, pool_size=1, max_overflow=0)
    rows: list[dict[str, Any]] = []
    try:
        (user,) = await bench_users(connection, 1, "manufacturer", EMAIL)
        piled = 0
        for pile in PILES:
            # Unread and read alike: read ones must not be counted either.
            for read in (False, True):
                await connection.execute(
                    "INSERT INTO notifications (user_id, kind, title, body, read_at) "
                    "SELECT $1, 'order_paid', 'Order paid', 'Ship it', "
                    "CASE WHEN $3 THEN now() END FROM generate_series(1, $2)",
                    user,
                    pile - piled,
                    read,
                )
            piled = pile
            await connection.execute("ANALYZE notifications")
            notify_ms, count_ms = await _measure_pile(engine, user)
            rows.append({"unread": pile, "notify_ms": notify_ms, "exact_count_ms": count_ms})
    finally:
        await engine.dispose()
        await delete_bench_users(connection, EMAIL)
        await connection.close()
    return {"calls": CALLS, "cap": LIVE_UNREAD_CAP, "piles": rows}


def run(env: BenchEnv) -> dict[str, Any]:
    return asyncio.run(_run(env))


def report(result: dict[str, Any]) -> str:
    lines = [
        f"One user, one call at a time ({result['calls']} after a warm-up, rolled back): "
        "`notifications.service.notify` (the notification, its email in the outbox, the "
        f"unread count up to {result['cap']} for the live event: one statement) and the "
        "exact count of the user's unread notifications (GET /api/notifications), with as "
        "many read notifications beside the unread. Wall ms per call.",
        "",
        "| unread notifications | notify ms | exact unread count ms |",
        "| ---: | ---: | ---: |",
    ]
    for row in result["piles"]:
        lines.append(f"| {row['unread']:,} | {row['notify_ms']} | {row['exact_count_ms']} |")
    return "\n".join(lines)
