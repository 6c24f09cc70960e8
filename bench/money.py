"""Refunds and payouts under load against a real server on loopback: paid orders (bought and
paid through the API with the sandbox gateway), then concurrent clients refund parts of them
(two refunds of each order race for what is left) while buyers confirm receipt of others
(each completion transfers the seller's share). At the end every order's ledger is checked:
charges - refunds = fees + transfers + held, each term agreeing with the order."""

import asyncio
import random
import time
import uuid
from typing import Any

import asyncpg
import httpx
from fabricloop.auth import tokens
from fabricloop.core import migrate
from fabricloop.ops.pgtools import connect

from bench.env import JWT_SECRET, QUICK, BenchEnv, percentile, server
from bench.pgbench import delete_bench_users

NAME = "money"
SERVERS_USED = [("uvicorn", 1, 0)]
CLIENTS = 16
ORDERS = 40 if QUICK else 300
ADDRESS = {
    "recipient_name": "Bench dock",
    "line1": "1 Loopback Road",
    "city": "Porto",
    "postal_code": "4000-001",
    "country": "PT",
}
EMAIL = "bench-money-"


def _auth(secret: str, user_id: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {tokens.issue(secret, uuid.UUID(user_id), 'access', 3600)[0]}"
    }


async def _parties(connection: asyncpg.Connection) -> tuple[str, str, str]:
    rows = await connection.fetch(
        "INSERT INTO users (email, password_hash, company_name, role) "
        f"SELECT '{EMAIL}' || gen_random_uuid() || '@example.com', '!', 'Bench money ' || n, "
        "CASE WHEN n = 0 THEN 'brand' ELSE 'manufacturer' END "
        "FROM generate_series(0, 2) AS n ORDER BY n RETURNING id"
    )
    buyer, seller, listing_owner = (str(r["id"]) for r in rows)
    del listing_owner
    listing = await connection.fetchval(
        "INSERT INTO materials (seller_id, title, material_type, quantity, unit, kg_per_unit, "
        "price, currency, status) VALUES ($1, 'Bench money listing', 'recycled_cotton', "
        "1000000, 'piece', 0.5, 4.35, 'EUR', 'active') RETURNING id",
        uuid.UUID(seller),
    )
    return buyer, seller, str(listing)


async def _timed(
    latencies: dict[str, list[float]],
    statuses: dict[str, dict[int, int]],
    name: str,
    send: Any,
) -> httpx.Response:
    started = time.perf_counter()
    response: httpx.Response = await send
    latencies.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    bucket = statuses.setdefault(name, {})
    bucket[response.status_code] = bucket.get(response.status_code, 0) + 1
    return response


async def _scenario(
    base: str, secret: str, buyer: str, seller: str, listing: str
) -> dict[str, Any]:
    as_buyer, as_seller = _auth(secret, buyer), _auth(secret, seller)
    latencies: dict[str, list[float]] = {}
    statuses: dict[str, dict[int, int]] = {}
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        # Half the seller's orders complete while payouts are not enabled: held, then paid
        # when onboarding completes below.
        started = await client.post("/api/payouts/account", headers=as_seller)
        started.raise_for_status()
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(ORDERS):
            queue.put_nowait(i)
        orders: list[str] = []

        async def buy_and_pay() -> None:
            while not queue.empty():
                queue.get_nowait()
                order = await _timed(
                    latencies,
                    statuses,
                    "order",
                    client.post(
                        "/api/transactions",
                        json={"material_id": listing, "quantity": 3, "shipping_address": ADDRESS},
                        headers=as_buyer,
                    ),
                )
                transaction_id = order.json()["transaction_id"]
                await _timed(
                    latencies,
                    statuses,
                    "pay",
                    client.post(
                        "/api/payments",
                        json={"transaction_id": transaction_id, "payment_method": "pm_card_visa"},
                        headers=as_buyer,
                    ),
                )
                orders.append(transaction_id)

        load_started = time.perf_counter()
        await asyncio.gather(*(buy_and_pay() for _ in range(CLIENTS)))
        rng = random.Random(7)
        rng.shuffle(orders)
        to_refund, to_complete = orders[: ORDERS // 2], orders[ORDERS // 2 :]
        for transaction_id in to_complete:
            await client.post(
                f"/api/transactions/{transaction_id}/status",
                json={"status": "shipped"},
                headers=as_seller,
            )
        work: list[Any] = []
        for index, transaction_id in enumerate(to_refund):
            # Two refunds of what is left race: one succeeds, the other is a 422.
            for _ in range(2):
                work.append(("refund", transaction_id, None))
            if index % 3 == 0:
                work.append(("partial_refund", transaction_id, 1.05))
        for transaction_id in to_complete:
            work.append(("complete", transaction_id, None))
        rng.shuffle(work)
        jobs: asyncio.Queue[Any] = asyncio.Queue()
        for item in work:
            jobs.put_nowait(item)

        async def money_worker() -> None:
            while not jobs.empty():
                kind, transaction_id, amount = jobs.get_nowait()
                if kind == "complete":
                    await _timed(
                        latencies,
                        statuses,
                        "complete (payout)",
                        client.post(
                            f"/api/transactions/{transaction_id}/status",
                            json={"status": "completed"},
                            headers=as_buyer,
                        ),
                    )
                else:
                    body: dict[str, Any] = {"reason": "bench"}
                    if amount is not None:
                        body["amount"] = amount
                    await _timed(
                        latencies,
                        statuses,
                        "refund",
                        client.post(
                            f"/api/transactions/{transaction_id}/refunds",
                            json=body,
                            headers=as_seller,
                        ),
                    )

        money_started = time.perf_counter()
        await asyncio.gather(*(money_worker() for _ in range(CLIENTS)))
        money_seconds = time.perf_counter() - money_started
        onboard_started = time.perf_counter()
        done = await client.post("/api/payouts/account/sandbox/complete", headers=as_seller)
        done.raise_for_status()
        onboarding_ms = (time.perf_counter() - onboard_started) * 1000
        payouts = (await client.get("/api/payouts", headers=as_seller)).json()
    return {
        "orders": ORDERS,
        "clients": CLIENTS,
        "setup_seconds": round(money_started - load_started, 2),
        "money_seconds": round(money_seconds, 2),
        "money_requests_per_second": round(len(work) / money_seconds, 1),
        "onboarding_pays_held_ms": round(onboarding_ms, 1),
        "endpoints": {
            name: {
                "requests": len(values),
                "p50_ms": percentile(values, 0.5),
                "p90_ms": percentile(values, 0.9),
                "p99_ms": percentile(values, 0.99),
                "statuses": {str(k): v for k, v in sorted(statuses[name].items())},
            }
            for name, values in latencies.items()
        },
        "balances": payouts["balances"],
        "payouts_total": payouts["total"],
    }


async def _check(env: BenchEnv, seller: str) -> dict[str, Any]:
    """The ledger invariant over the bench's orders, as `fabricloop reconcile` checks it."""
    from fabricloop.config import Settings
    from fabricloop.ledger.service import reconcile_database

    settings = Settings(database_url=env.sqlalchemy_url, redis_url=env.redis_url)
    checked, found = await reconcile_database(settings)
    connection = await connect(env.database_url)
    try:
        sums = await connection.fetchrow(
            "SELECT sum(e.amount) FILTER (WHERE e.kind = 'charge') AS charges, "
            "sum(e.amount) FILTER (WHERE e.kind = 'refund') AS refunds, "
            "sum(e.amount) FILTER (WHERE e.kind = 'fee') AS fees, "
            "sum(e.amount) FILTER (WHERE e.kind = 'transfer') AS transfers, "
            "sum(e.amount) FILTER (WHERE e.kind = 'transfer_reversal') AS reversals "
            "FROM ledger_entries e JOIN transactions t ON t.id = e.transaction_id "
            "WHERE t.seller_id = $1",
            uuid.UUID(seller),
        )
    finally:
        await connection.close()
    return {
        "orders_checked": checked,
        "orders_breaking_the_invariant": len(found),
        "ledger": {k: float(v or 0) for k, v in dict(sums).items()},
    }


async def _run(env: BenchEnv, base: str, secret: str) -> dict[str, Any]:
    connection = await connect(env.database_url)
    try:
        buyer, seller, listing = await _parties(connection)
    finally:
        await connection.close()
    try:
        result = await _scenario(base, secret, buyer, seller, listing)
        result["check"] = await _check(env, seller)
    finally:
        # This run's parties and their rows (and any an interrupted run left), so that the
        # next run's reconciliation checks its own orders, not every earlier run's.
        connection = await connect(env.database_url)
        try:
            await delete_bench_users(connection, EMAIL)
        finally:
            await connection.close()
    return result


def run(env: BenchEnv) -> dict[str, Any]:
    migrate.upgrade(env.database_url)
    with server(env) as base:
        return asyncio.run(_run(env, base, JWT_SECRET))


def report(result: dict[str, Any]) -> str:
    check = result["check"]
    lines = [
        f"{result['orders']} orders bought and paid through the API (sandbox gateway), then "
        f"{result['clients']} concurrent clients: for half the orders two refunds of what is "
        "left race (one succeeds, one is a 422) and every third also gets a partial refund; "
        "the other half are shipped and confirmed by the buyer (each completion releases the "
        "payout, held while the seller has no enabled account); then onboarding completes "
        f"and pays what was held ({result['onboarding_pays_held_ms']} ms). Refunds and "
        f"completions: {result['money_requests_per_second']} requests/s. Ledger check: "
        f"{check['orders_checked']} orders, {check['orders_breaking_the_invariant']} breaking "
        "charges - refunds = fees + transfers + held.",
        "",
        "| endpoint | requests | p50 ms | p90 ms | p99 ms | statuses |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, figures in result["endpoints"].items():
        statuses = ", ".join(f"{k}: {v}" for k, v in figures["statuses"].items())
        lines.append(
            f"| {name} | {figures['requests']} | {figures['p50_ms']} | {figures['p90_ms']} | "
            f"{figures['p99_ms']} | {statuses} |"
        )
    return "\n".join(lines)
