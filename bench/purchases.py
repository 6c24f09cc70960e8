"""Purchases under 64 concurrent buyers against a real server on loopback, one app process per
core: orders (`POST /api/transactions`) and orders paid at once with the sandbox gateway
(`POST /api/payments`, with an Idempotency-Key), on one hot listing every buyer buys from and
on many listings, plus a sell-out race on a small stock. Each scenario ends with an oversell
check in the database: what was listed equals what is left plus what the orders hold, never
below zero, and every payment answered 201 is a paid order. Then the same SQL is replayed with
pgbench (bench/pgbench/*.sql) at the same concurrency: the database's ceiling for this work,
so the ratio app / database shows what the app adds."""

import random
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from fabricloop.auth import tokens
from fabricloop.core import migrate
from fabricloop.ops.pgtools import connect

from bench import loadgen
from bench.env import JWT_SECRET, QUICK, SERVER_PIDS, BenchEnv, percentile, server
from bench.pgbench import delete_bench_users, replay, seed_history
from bench.usage import Meter, app_processes, cpu_cell, cpu_ms, sessions_cell

NAME = "purchases"
# A quick run: fewer buyers, so that a scenario lasts its duration, not the time 64 queued
# requests take on a loaded host (each scenario waits for its last answers).
CLIENTS = 16 if QUICK else 64
WORKERS = 2  # one app process per core of the 2-core target machine
SERVERS_USED = [("uvicorn", WORKERS, 0)]
DURATION_SECONDS = 2 if QUICK else 15
MANY_LISTINGS = 1000
MANY_SELLERS = 50  # the many listings belong to this many sellers (invoice numbers per seller)
HOT_STOCK = 1_000_000
SELL_OUT_STOCK = 100 if QUICK else 500
SEQUENTIAL_REQUESTS = 10 if QUICK else 300
ADDRESS = {
    "recipient_name": "Bench dock",
    "line1": "1 Loopback Road",
    "city": "Porto",
    "postal_code": "4000-001",
    "country": "PT",
}
TITLE = "Benchmark purchase listing"
EMAIL = "bench-purchases-"
# (name, pays, listings, until sold out)
SCENARIOS = (
    ("hot_listing", False, "hot", False),
    ("many_listings", False, "many", False),
    ("hot_listing_paid", True, "hot", False),
    ("many_listings_paid", True, "many", False),
    ("sell_out", False, "small", True),
)


async def _users(connection: asyncpg.Connection, count: int, role: str) -> list[uuid.UUID]:
    rows = await connection.fetch(
        "INSERT INTO users (email, password_hash, company_name, role) "
        f"SELECT '{EMAIL}' || gen_random_uuid() || '@example.com', '!', "
        "'Bench ' || $2 || ' ' || n, $2 FROM generate_series(1, $1) AS n ORDER BY n RETURNING id",
        count,
        role,
    )
    return [r["id"] for r in rows]


async def _logins(connection: asyncpg.Connection, buyers: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """A live login (refresh-token family) per buyer: the access tokens name it, so each request
    checks it as it does for a real user."""
    families = [uuid.uuid4() for _ in buyers]
    await connection.executemany(
        "INSERT INTO refresh_tokens (jti, user_id, family_id, expires_at) VALUES ($1, $2, $3, $4)",
        [
            (uuid.uuid4(), b, f, datetime.now(UTC) + timedelta(hours=2))
            for b, f in zip(buyers, families, strict=True)
        ],
    )
    return families


async def _listings(
    connection: asyncpg.Connection, sellers: Sequence[uuid.UUID], count: int, quantity: int
) -> list[str]:
    rows = await connection.fetch(
        "INSERT INTO materials (seller_id, title, material_type, quantity, unit, kg_per_unit, "
        "price, currency, status) SELECT ($1::uuid[])[1 + n % cardinality($1::uuid[])], $2, "
        "'recycled_cotton', $3, 'piece', 0.5, 4.35, 'EUR', 'active' "
        "FROM generate_series(0, $4 - 1) AS n RETURNING id",
        list(sellers),
        TITLE,
        Decimal(quantity),
        count,
    )
    return [str(r["id"]) for r in rows]


async def _check(
    connection: asyncpg.Connection, listings: Sequence[str], initial: int
) -> dict[str, Any]:
    """Listed = left + held by orders, never negative; sold out exactly at zero."""
    ids = [uuid.UUID(i) for i in listings]
    rows = await connection.fetch(
        "SELECT m.id, m.quantity, m.status, coalesce(sum(t.quantity) FILTER "
        "(WHERE t.status <> 'cancelled'), 0) AS held, count(t.id) AS sold, "
        "count(t.id) FILTER (WHERE t.status = 'paid') AS paid "
        "FROM materials m LEFT JOIN transactions t ON t.material_id = m.id "
        "WHERE m.id = ANY($1::uuid[]) GROUP BY m.id",
        ids,
    )
    broken = [
        str(r["id"])
        for r in rows
        if r["quantity"] < 0
        or r["quantity"] + r["held"] != initial
        or (r["status"] == "sold_out") != (r["quantity"] == 0)
    ]
    succeeded = await connection.fetchval(
        "SELECT count(*) FROM payments p JOIN transactions t ON t.id = p.transaction_id "
        "WHERE t.material_id = ANY($1::uuid[]) AND p.status = 'succeeded'",
        ids,
    )
    return {
        "listings_checked": len(rows),
        "transactions": int(sum(r["sold"] for r in rows)),
        "paid": int(sum(r["paid"] for r in rows)),
        "payments_succeeded": int(succeeded),
        "units_sold": int(sum(r["held"] for r in rows)),
        "inconsistent_listings": broken,
        "oversold": bool(broken),
    }


async def _load(
    base: str,
    headers: Sequence[dict[str, str]],
    listings: Sequence[str],
    *,
    pays: bool,
    duration: float | None,
) -> dict[str, Any]:
    """CLIENTS buyers, one connection each, ordering one unit at a time (and paying for it at
    once when `pays`) until the duration ends; without one, until an order answers 409 (sold
    out). A purchase is an order answered 201 (and, when paying, its payment answered 201)."""

    async def step(index: int, connection: loadgen.Connection, tally: loadgen.Tally) -> bool:
        rng = rngs[index]
        auth = headers[rng.randrange(len(headers))]
        body = {"material_id": rng.choice(listings), "quantity": 1, "shipping_address": ADDRESS}
        order = await tally.send("order", connection, "POST", "/api/transactions", auth, body)
        if order.status == 409 and duration is None:
            return False
        if pays and order.status == 201:
            payment = {"transaction_id": order.json()["transaction_id"]}
            payment["payment_method"] = "pm_card_visa"
            keyed = {**auth, "Idempotency-Key": secrets.token_hex(16)}
            await tally.send("pay", connection, "POST", "/api/payments", keyed, payment)
        return True

    rngs = [random.Random(i) for i in range(CLIENTS)]
    tally, elapsed = await loadgen.closed_loop(base, CLIENTS, duration, step)
    last = "pay" if pays else "order"
    purchases = tally.statuses.get(last, {}).get(201, 0)
    expected = {201, 409} if duration is None else {201}
    errors = sum(
        n
        for kind in tally.statuses.values()
        for status, n in kind.items()
        if status not in expected
    )
    return {
        "seconds": round(elapsed, 2),
        "purchases": purchases,
        "purchases_per_second": round(purchases / elapsed, 1),
        "errors": errors,
        "requests": {
            kind: {
                "count": len(values),
                **loadgen.summary(values, percentile),
                "statuses": {str(k): v for k, v in sorted(tally.statuses[kind].items())},
            }
            for kind, values in tally.latencies.items()
        },
    }


async def _sequential(base: str, headers: dict[str, str], listing: str) -> dict[str, Any]:
    """One client, one request at a time: a purchase without queueing, beside the cheapest
    endpoint of the same app (same middleware, no database); SEQUENTIAL_REQUESTS of each kind
    in a row, and the app workers' CPU per request of that kind. With nothing else running,
    that CPU is the figure a change to a request's work moves: throughput under load moves
    with the host's speed too (a noisy host: +-10 % between runs)."""
    tally = loadgen.Tally()
    connection = loadgen.Connection(*_host_port(base))
    workers = app_processes(SERVER_PIDS[base])
    body = {"material_id": listing, "quantity": 1, "shipping_address": ADDRESS}
    cpu: dict[str, float] = {}
    last = sum(cpu_ms(p) for p in workers)

    def lap() -> float:
        """The workers' CPU (ms) since the last lap."""
        nonlocal last
        now = sum(cpu_ms(p) for p in workers)
        spent, last = now - last, now
        return spent

    try:
        for _ in range(SEQUENTIAL_REQUESTS):
            await tally.send("types", connection, "GET", "/api/materials/types", {})
        cpu["types"] = lap()
        orders = [
            (
                await tally.send("order", connection, "POST", "/api/transactions", headers, body)
            ).json()["transaction_id"]
            for _ in range(SEQUENTIAL_REQUESTS)
        ]
        cpu["order"] = lap()
        for order in orders:
            payment = {"transaction_id": order, "payment_method": "pm_card_visa"}
            keyed = {**headers, "Idempotency-Key": secrets.token_hex(16)}
            await tally.send("pay", connection, "POST", "/api/payments", keyed, payment)
        cpu["pay"] = lap()
    finally:
        await connection.close()
    return {
        kind: {
            "p50_ms": percentile(v, 0.5),
            "p99_ms": percentile(v, 0.99),
            "app_cpu_ms": round(cpu[kind] / SEQUENTIAL_REQUESTS, 2),
        }
        for kind, v in tally.latencies.items()
    }


def _host_port(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


async def _scenarios(env: BenchEnv, base: str, secret: str) -> dict[str, Any]:
    connection = await connect(env.database_url)
    try:
        sellers = await _users(connection, MANY_SELLERS, "manufacturer")
        buyers = await _users(connection, CLIENTS, "brand")
        families = await _logins(connection, buyers)
        headers = [
            {"Authorization": "Bearer " + tokens.issue(secret, b, "access", 7200, family_id=f)[0]}
            for b, f in zip(buyers, families, strict=True)
        ]
        listings = {
            "hot": await _listings(connection, sellers[:1], 1, HOT_STOCK),
            "many": await _listings(connection, sellers, MANY_LISTINGS, HOT_STOCK),
            "small": await _listings(connection, sellers[:1], 1, SELL_OUT_STOCK),
        }
        await seed_history(connection, EMAIL)
        warm_up = await _listings(connection, sellers, 10, HOT_STOCK)
        # Warm-up on listings of its own: connections, caches, the first queries' plans.
        await _load(base, headers, warm_up, pays=True, duration=2)
        result: dict[str, Any] = {"sequential": await _sequential(base, headers[0], warm_up[0])}
        meter = Meter(SERVER_PIDS[base], connection)
        for name, pays, kind, until_sold_out in SCENARIOS:
            # Each scenario on listings of its own stock: a fresh hot listing for the paid run.
            ids = (
                listings[kind]
                if not pays
                else await _listings(
                    connection,
                    sellers[:1] if kind == "hot" else sellers,
                    len(listings[kind]),
                    HOT_STOCK,
                )
            )
            initial = SELL_OUT_STOCK if until_sold_out else HOT_STOCK
            await meter.start()
            figures = await _load(
                base, headers, ids, pays=pays, duration=None if until_sold_out else DURATION_SECONDS
            )
            figures["usage"] = await meter.stop(figures["purchases"])
            check = await _check(connection, ids, initial)
            orders = figures["requests"]["order"]["statuses"].get("201", 0)
            payments = figures["requests"].get("pay", {}).get("statuses", {}).get("201", 0)
            check["responses_match"] = check["transactions"] == orders and (
                not pays or check["paid"] == payments == check["payments_succeeded"]
            )
            figures["check"] = check
            result[name] = figures
        return result
    finally:
        # The benchmark's own rows, removed so other benchmarks (search above all) see the
        # data set they expect.
        await delete_bench_users(connection, EMAIL)
        await connection.close()


def run(env: BenchEnv) -> dict[str, Any]:
    migrate.upgrade(env.database_url)
    # The server signs and checks tokens with JWT_SECRET and pays with the sandbox gateway.
    with server(env, workers=WORKERS) as base:
        scenarios = loadgen.run(_scenarios(env, base, JWT_SECRET))
    return {
        "clients": CLIENTS,
        "workers": WORKERS,
        "duration_seconds": DURATION_SECONDS,
        **scenarios,
        "pgbench": replay(env, CLIENTS, DURATION_SECONDS),
    }


def _ratio(app: float, database: float | None) -> str:
    return f"{app / database:.0%}" if database else "n/a"


def report(result: dict[str, Any]) -> str:
    pgbench = result.get("pgbench", {})
    lines = [
        f"{result['clients']} concurrent buyers (one keep-alive connection each; the load "
        "generator, bench/loadgen.py, runs on the same machine and takes CPU from the server), "
        f"uvicorn with {result['workers']} worker processes (one per core), 1 unit per "
        f"purchase, {result['duration_seconds']} s per scenario. `hot_*`: every buyer buys "
        f"from one listing; `many_*`: a random one of {MANY_LISTINGS} (of {MANY_SELLERS} "
        "sellers); `*_paid`: each order is paid at once (`POST /api/payments`, sandbox, "
        "Idempotency-Key), a purchase being both answered 201; `sell_out`: one listing of "
        f"{SELL_OUT_STOCK} units bought until it answers 409. After each, the database is "
        "checked: listed = left + held by orders, never negative, and every 201 is stored. "
        "CPU per purchase: the app's worker processes, the PostgreSQL server (all its "
        "processes: the bench's own server, nothing else uses it; in brackets the part used by "
        "its processes that ended during the scenario, autovacuum's workers and closed "
        "sessions) and the load generator (/proc counters); RSS of each app worker after the "
        "scenario; PostgreSQL sessions opened during it (`pg_stat_database`): the app's pools "
        "keep their connections, so more than a few means connections closed and opened "
        "again under load; and the rows its statements read per purchase (`tup_returned`): "
        "a plan gone to sequential scans shows there.",
        "",
        "| scenario | purchases/s | request | p50 ms | p90 ms | p99 ms | statuses "
        "| CPU ms/purchase app, db (ended), client | RSS MB | sessions, rows read | oversold |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- | --- | --- | ---: | --- |",
    ]
    for name, *_ in SCENARIOS:
        figures = result.get(name)
        if figures is None:
            continue
        check, usage = figures["check"], figures["usage"]
        oversold = "yes" if check["oversold"] or not check["responses_match"] else "no"
        for kind, r in figures["requests"].items():
            first = kind == "order"
            lines.append(
                f"| {name if first else ''} | {figures['purchases_per_second'] if first else ''} "
                f"| {kind} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | "
                f"{loadgen.statuses_text(r['statuses'])} | "
                + (
                    f"{cpu_cell(usage)} | "
                    f"{', '.join(str(x) for x in usage['app_rss_mb'])} | "
                    f"{sessions_cell(usage)} | "
                    f"{oversold} ({check['units_sold']} units) |"
                    if first
                    else "| | | |"
                )
            )
    sequential = result.get("sequential")
    if sequential:
        lines += [
            "",
            f"One client, one request at a time ({SEQUENTIAL_REQUESTS} each): "
            + ", ".join(
                f"{kind} p50 {v['p50_ms']} ms (p99 {v['p99_ms']}; app CPU {v.get('app_cpu_ms')} "
                "ms per request)"
                for kind, v in sequential.items()
            )
            + " (`types`: `GET /api/materials/types`, no database; the CPU: both workers', "
            "from /proc, over each kind's requests in a row).",
        ]
    if pgbench:
        lines += [
            "",
            "The same SQL replayed by pgbench (`-M prepared`, the same clients, bench/pgbench/): "
            "the database's ceiling for this work on this machine at the same moment; app / "
            "database is the share of it the app reaches over HTTP.",
            "",
            "| replay | pgbench purchases/s | latency ms (mean) | app purchases/s "
            "| app / database |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name, scenario in (
            ("hot_listing", "hot_listing"),
            ("many_listings", "many_listings"),
            ("hot_listing_paid", "hot_listing_paid"),
            ("many_listings_paid", "many_listings_paid"),
        ):
            replayed = pgbench.get(name)
            app = result.get(scenario, {}).get("purchases_per_second")
            if replayed is None or app is None:
                continue
            lines.append(
                f"| {name} | {replayed.get('tps', 'failed')} | {replayed.get('latency_ms', '')} | "
                f"{app} | {_ratio(app, replayed.get('tps'))} |"
            )
    return "\n".join(lines)
