"""The write endpoints users hit often, each under 64 clients against a real server on
loopback with one app process per core, as bench.purchases runs orders: send a message
(`POST /api/messages`), list a material (`POST /api/materials`), change a listing's price and
stock (`PUT /api/materials/{id}`) and pay an order (`POST /api/payments`, sandbox gateway,
Idempotency-Key, on orders made beforehand). Each scenario ends with a check in the database
(every 2xx stored, and nothing else), records CPU per request, RSS per app process and the
load average, and is followed by pgbench replaying the endpoint's SQL (bench/pgbench/*.sql,
captured with `python -m bench.pgbench.capture`) with as many clients: the database's ceiling
for that work at that moment, so app / database is visible per endpoint."""

import json
import os
import random
import secrets
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from fabricloop.auth import tokens
from fabricloop.core import migrate
from fabricloop.ops.pgtools import connect

from bench import loadgen
from bench.env import JWT_SECRET, QUICK, SERVER_PIDS, BenchEnv, percentile, server
from bench.pgbench import (
    bench_users,
    delete_bench_users,
    pgbench_binary,
    run_script,
    seed_history,
)
from bench.purchases import ADDRESS
from bench.usage import Meter, cpu_cell, sessions_cell

NAME = "writes"
# A quick run: fewer buyers, so that a scenario lasts its duration, not the time 64 queued
# requests take on a loaded host (each scenario waits for its last answers).
CLIENTS = 16 if QUICK else 64
WORKERS = 2  # one app process per core of the 2-core target machine
SERVERS_USED = [("uvicorn", WORKERS, 0)]
DURATION_SECONDS = 2 if QUICK else 15
EMAIL = "bench-writes-"
SELLERS = 64
LISTINGS_PER_SELLER = 16
# Orders made beforehand for the payment scenario, per buyer: more than the app pays in the run
# (a client out of orders ends the scenario); and for pgbench's replay, in all: more than it
# pays at 4,000/s (a client finding none aborts: 2026-12-05, 1,500/s ran out once the pay's
# invoice became one statement).
ORDERS_PER_BUYER = 40 if QUICK else 250
REPLAY_ORDERS = 4000 * DURATION_SECONDS
# A listing as a seller fills the form in: the required fields plus a description,
# composition, colour and origin.
LISTING: dict[str, Any] = {
    "title": "Recycled cotton jersey, 180 gsm, bench",
    "description": "Post-industrial recycled cotton jersey, knitted in Porto. Soft hand, "
    "suitable for t-shirts and underwear. Rolls of about 25 kg.",
    "material_type": "recycled_cotton",
    "source_type": "deadstock",
    "quantity": "120",
    "unit": "kg",
    "price": "4.35",
    "currency": "EUR",
    "composition": [
        {"fibre": "recycled_cotton", "percent": "95"},
        {"fibre": "elastane", "percent": "5"},
    ],
    "color": "ecru",
    "origin_country": "PT",
}
WORDS = "is the jersey still available could you send a swatch we need 300 kg by march"


def message_body(recipient: uuid.UUID | str, material: str, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    return {
        "recipient_id": str(recipient),
        "material_id": material,
        "content": " ".join(rng.choices(WORDS.split(), k=rng.randint(6, 30))),
    }


def update_body(seed: int) -> dict[str, str]:
    """A repricing and restock, the edit sellers make most."""
    rng = random.Random(seed)
    return {"price": f"{rng.randint(100, 900) / 100:.2f}", "quantity": str(rng.randint(50, 500))}


@dataclass
class Parties:
    """The scenario's users: sellers with listings, buyers with orders to pay; their ids, live
    logins (refresh-token families, checked on each request as a real user's are) and
    headers."""

    sellers: list[uuid.UUID]
    seller_families: list[uuid.UUID]
    buyers: list[uuid.UUID]
    buyer_families: list[uuid.UUID]
    secret: str
    listings: list[list[str]] = field(default_factory=list)  # per seller
    orders: list[list[uuid.UUID]] = field(default_factory=list)  # per buyer, to pay

    def auth(self, user: uuid.UUID, family: uuid.UUID) -> dict[str, str]:
        token = tokens.issue(self.secret, user, "access", 7200, family_id=family)[0]
        return {"Authorization": f"Bearer {token}"}


async def _logins(connection: asyncpg.Connection, users: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    families = [uuid.uuid4() for _ in users]
    expires = datetime.now(UTC) + timedelta(hours=2)
    await connection.executemany(
        "INSERT INTO refresh_tokens (jti, user_id, family_id, expires_at) VALUES ($1, $2, $3, $4)",
        [(uuid.uuid4(), u, f, expires) for u, f in zip(users, families, strict=True)],
    )
    return families


async def _listings(
    connection: asyncpg.Connection, sellers: Sequence[uuid.UUID]
) -> list[list[str]]:
    rows = await connection.fetch(
        "INSERT INTO materials (seller_id, title, material_type, quantity, unit, kg_per_unit, "
        "price, currency, status) SELECT s, 'Bench writes listing', 'recycled_cotton', 1000000, "
        "'piece', 0.5, 4.35, 'EUR', 'active' FROM unnest($1::uuid[]) AS s, "
        "generate_series(1, $2) RETURNING id, seller_id",
        list(sellers),
        LISTINGS_PER_SELLER,
    )
    by_seller: dict[uuid.UUID, list[str]] = {s: [] for s in sellers}
    for r in rows:
        by_seller[r["seller_id"]].append(str(r["id"]))
    return [by_seller[s] for s in sellers]


async def _pending_orders(
    connection: asyncpg.Connection, parties: Parties, per_buyer: int = ORDERS_PER_BUYER
) -> list[list[uuid.UUID]]:
    """`per_buyer` pending orders of one unit for each buyer, spread over every
    seller's listings, as `POST /api/transactions` makes them (the stock taken from the
    listing; a listing with less left than its orders take is restocked to that first: the
    replay's 60,000 orders take more than the update scenario left some of them)."""
    listings = [uuid.UUID(x) for per in parties.listings for x in per]
    address = {**ADDRESS, "line2": None, "region": None}
    rows = await connection.fetch(
        "WITH picked AS (SELECT u.b AS buyer_id, ($2::uuid[])[1 + (n * 7 + u.i::int) "
        "% cardinality($2::uuid[])] AS material_id FROM unnest($1::uuid[]) WITH ORDINALITY "
        "AS u(b, i), generate_series(1, $3) AS n) "
        "INSERT INTO transactions (material_id, buyer_id, seller_id, quantity, unit, "
        "quantity_kg, unit_price, total, shipping_price, shipping_method, currency, kind, "
        "status, shipping_address, status_history, expires_at) "
        "SELECT p.material_id, p.buyer_id, m.seller_id, 1, 'piece', 0.5, 4.35, 4.35, 0, "
        "'arranged_by_seller', 'EUR', 'order', 'pending', $4::jsonb, "
        "jsonb_build_array(jsonb_build_object('status', 'pending', 'at', now())), "
        "now() + interval '2 hours' FROM picked p JOIN materials m ON m.id = p.material_id "
        "RETURNING id, buyer_id",
        parties.buyers,
        listings,
        per_buyer,
        json.dumps(address),
    )
    await connection.execute(
        "UPDATE materials m SET quantity = greatest(m.quantity, t.n) - t.n FROM "
        "(SELECT material_id, count(*) "
        "AS n FROM transactions WHERE id = ANY($1::uuid[]) GROUP BY material_id) t "
        "WHERE m.id = t.material_id",
        [r["id"] for r in rows],
    )
    by_buyer: dict[uuid.UUID, list[uuid.UUID]] = {b: [] for b in parties.buyers}
    for r in rows:
        by_buyer[r["buyer_id"]].append(r["id"])
    return [by_buyer[b] for b in parties.buyers]


async def _parties(connection: asyncpg.Connection, secret: str) -> Parties:
    sellers = await bench_users(connection, SELLERS, "manufacturer", EMAIL)
    buyers = await bench_users(connection, CLIENTS, "brand", EMAIL)
    parties = Parties(
        sellers=sellers,
        seller_families=await _logins(connection, sellers),
        buyers=buyers,
        buyer_families=await _logins(connection, buyers),
        secret=secret,
    )
    parties.listings = await _listings(connection, sellers)
    parties.orders = await _pending_orders(connection, parties)
    return parties


Step = Callable[[int, loadgen.Connection, loadgen.Tally], Awaitable[bool]]


class Scenarios:
    """One client's step per scenario (client i acts as seller i or buyer i), and the check of
    what the database holds after each."""

    def __init__(self, parties: Parties) -> None:
        self.parties = parties
        self.sellers = [
            parties.auth(*p) for p in zip(parties.sellers, parties.seller_families, strict=True)
        ]
        self.buyers = [
            parties.auth(*p) for p in zip(parties.buyers, parties.buyer_families, strict=True)
        ]
        self.sent = [0] * CLIENTS
        self.last_update: dict[str, dict[str, str]] = {}
        self.paid: list[uuid.UUID] = []

    def steps(self) -> dict[str, tuple[str, int, Step]]:
        """Scenario -> (the request's kind, the status of a success, a client's step)."""
        return {
            "send_message": ("message", 201, self.message),
            "create_listing": ("create", 201, self.create),
            "update_listing": ("update", 200, self.update),
            "pay": ("pay", 201, self.pay),
        }

    async def message(self, i: int, connection: loadgen.Connection, tally: loadgen.Tally) -> bool:
        self.sent[i] += 1
        seller = (i + self.sent[i]) % SELLERS
        body = message_body(
            self.parties.sellers[seller], self.parties.listings[seller][0], self.sent[i]
        )
        await tally.send("message", connection, "POST", "/api/messages", self.buyers[i], body)
        return True

    async def create(self, i: int, connection: loadgen.Connection, tally: loadgen.Tally) -> bool:
        await tally.send("create", connection, "POST", "/api/materials", self.sellers[i], LISTING)
        return True

    async def update(self, i: int, connection: loadgen.Connection, tally: loadgen.Tally) -> bool:
        self.sent[i] += 1
        listing = self.parties.listings[i][self.sent[i] % LISTINGS_PER_SELLER]
        body = update_body(i * 1_000_000 + self.sent[i])
        path = f"/api/materials/{listing}"
        response = await tally.send("update", connection, "PUT", path, self.sellers[i], body)
        if response.status == 200:
            self.last_update[listing] = body
        return True

    async def pay(self, i: int, connection: loadgen.Connection, tally: loadgen.Tally) -> bool:
        if not self.parties.orders[i]:
            return False  # out of orders: the scenario ends (its elapsed time is measured)
        order = self.parties.orders[i].pop()
        body = {"transaction_id": str(order), "payment_method": "pm_card_visa"}
        keyed = {**self.buyers[i], "Idempotency-Key": secrets.token_hex(16)}
        response = await tally.send("pay", connection, "POST", "/api/payments", keyed, body)
        if response.status == 201:
            self.paid.append(order)
        return True

    async def check(
        self, connection: asyncpg.Connection, name: str, successes: int
    ) -> dict[str, Any]:
        """What the database holds matches the answers: a row per 2xx, nothing more."""
        if name == "send_message":
            stored = await connection.fetchval(
                "SELECT count(*) FROM messages WHERE sender_id = ANY($1::uuid[])",
                self.parties.buyers,
            )
            notified = await connection.fetchval(
                "SELECT count(*) FROM notifications WHERE user_id = ANY($1::uuid[]) "
                "AND kind = 'message_received'",
                self.parties.sellers,
            )
            return {
                "messages": stored,
                "notifications": notified,
                "consistent": stored == notified == successes,
            }
        if name == "create_listing":
            stored = await connection.fetchval(
                "SELECT count(*) FROM materials m JOIN digital_product_passports p "
                "ON p.material_id = m.id WHERE m.seller_id = ANY($1::uuid[]) AND m.title = $2",
                self.parties.sellers,
                LISTING["title"],
            )
            return {"listings_with_passport": stored, "consistent": stored == successes}
        if name == "update_listing":
            rows = await connection.fetch(
                "SELECT id::text, price, quantity FROM materials WHERE id = ANY($1::uuid[])",
                [uuid.UUID(x) for x in self.last_update],
            )
            wrong = [
                r["id"]
                for r in rows
                if (r["price"], r["quantity"])
                != tuple(Decimal(self.last_update[r["id"]][k]) for k in ("price", "quantity"))
            ]
            return {
                "listings_updated": len(rows),
                "not_as_last_sent": len(wrong),
                "consistent": not wrong,
            }
        row = await connection.fetchrow(
            "SELECT count(*) FILTER (WHERE t.status = 'paid') AS paid, "
            "count(p.id) FILTER (WHERE p.status = 'succeeded') AS payments, "
            "(SELECT count(*) FROM invoice_documents i WHERE i.transaction_id = ANY($1::uuid[]) "
            "AND i.kind = 'invoice') AS invoices, "
            "(SELECT count(*) FROM ledger_entries l WHERE l.transaction_id = ANY($1::uuid[])) "
            "AS ledger_entries FROM transactions t LEFT JOIN payments p ON p.transaction_id = t.id "
            "WHERE t.id = ANY($1::uuid[])",
            self.paid,
        )
        figures = {k: int(v) for k, v in dict(row).items()}
        consistent = (
            figures["paid"] == figures["payments"] == figures["invoices"] == successes
            and figures["ledger_entries"] == 2 * successes
        )
        return {**figures, "consistent": consistent}


async def _scenarios(env: BenchEnv, base: str, secret: str) -> dict[str, Any]:
    connection = await connect(env.database_url)
    try:
        parties = await _parties(connection, secret)
        scenarios = Scenarios(parties)
        await seed_history(connection, EMAIL)
        # Warm-up: every endpoint, briefly (connections, caches, the first queries' plans).
        for _, _, step in scenarios.steps().values():
            await loadgen.closed_loop(base, CLIENTS, 1, step)
        scenarios.paid.clear()
        await _delete_written(connection, parties)
        meter = Meter(SERVER_PIDS[base], connection)
        results: dict[str, Any] = {}
        for name, (kind, success, step) in scenarios.steps().items():
            scenarios.sent = [0] * CLIENTS
            await meter.start()
            tally, elapsed = await loadgen.closed_loop(base, CLIENTS, DURATION_SECONDS, step)
            latencies = tally.latencies.get(kind, [])
            statuses = tally.statuses.get(kind, {})
            successes = statuses.get(success, 0)
            results[name] = {
                "seconds": round(elapsed, 2),
                "requests_per_second": round(successes / elapsed, 1),
                "count": len(latencies),
                **loadgen.summary(latencies, percentile),
                "statuses": {str(k): v for k, v in sorted(statuses.items())},
                "errors": sum(n for status, n in statuses.items() if status != success),
                "usage": await meter.stop(successes),
                "check": await scenarios.check(connection, name, successes),
            }
        return {"results": results, "parties": parties}
    finally:
        await connection.close()


async def _delete_written(connection: asyncpg.Connection, parties: Parties) -> None:
    """What the warm-up wrote that the checks count: messages and their notifications, new
    listings (the updates and payments are counted on what the scenario itself sent)."""
    await connection.execute(
        "DELETE FROM messages WHERE sender_id = ANY($1::uuid[])", parties.buyers
    )
    await connection.execute(
        "DELETE FROM notifications WHERE user_id = ANY($1::uuid[])", parties.sellers
    )
    await connection.execute(
        "DELETE FROM digital_product_passports WHERE material_id IN (SELECT id FROM materials "
        "WHERE seller_id = ANY($1::uuid[]) AND title = $2)",
        parties.sellers,
        LISTING["title"],
    )
    await connection.execute(
        "DELETE FROM materials WHERE seller_id = ANY($1::uuid[]) AND title = $2",
        parties.sellers,
        LISTING["title"],
    )


# Scenario -> its replay: pgbench scripts (joined into one transaction script) and the
# columns of bench_write_refs each row holds for it.
REPLAYS = {
    "send_message": ("send_message.sql",),
    "create_listing": ("create_listing.sql",),
    "update_listing": ("update_listing.sql",),
    "pay": ("pay_next.sql", "pay.sql"),
}


async def _refs(env: BenchEnv, parties: Parties) -> dict[str, int]:
    """bench_write_refs: per row a user with a live login and what it acts on (row 1 + client
    * LISTINGS_PER_SELLER + k: seller `client`'s listing k, or buyer `client` messaging a
    seller about a listing); bench_pay_refs: fresh pending orders, taken in turn through a
    sequence. Returns the pgbench variables."""
    connection = await connect(env.database_url)
    try:
        parties.orders = await _pending_orders(connection, parties, REPLAY_ORDERS // CLIENTS)
        await connection.execute(
            "DROP TABLE IF EXISTS bench_write_refs, bench_pay_refs; "
            "DROP SEQUENCE IF EXISTS bench_pay_next; "
            "CREATE TABLE bench_write_refs (n int PRIMARY KEY, seller_id uuid, seller_family uuid,"
            " listing_id uuid, buyer_id uuid, buyer_family uuid); "
            "CREATE TABLE bench_pay_refs (n int PRIMARY KEY, transaction_id uuid, buyer_id uuid, "
            "family_id uuid, seller_id uuid); CREATE SEQUENCE bench_pay_next"
        )
        await connection.executemany(
            "INSERT INTO bench_write_refs VALUES ($1, $2, $3, $4, $5, $6)",
            [
                (
                    1 + client * LISTINGS_PER_SELLER + k,
                    parties.sellers[client],
                    parties.seller_families[client],
                    uuid.UUID(parties.listings[client][k]),
                    parties.buyers[client],
                    parties.buyer_families[client],
                )
                for client in range(CLIENTS)
                for k in range(LISTINGS_PER_SELLER)
            ],
        )
        await connection.execute(
            "INSERT INTO bench_pay_refs SELECT row_number() OVER (ORDER BY random()), t.id, "
            "t.buyer_id, r.family_id, t.seller_id FROM transactions t JOIN refresh_tokens r "
            "ON r.user_id = t.buyer_id WHERE t.id = ANY($1::uuid[])",
            [o for per in parties.orders for o in per],
        )
        await connection.execute("ANALYZE bench_write_refs; ANALYZE bench_pay_refs")
        return {"per_client": LISTINGS_PER_SELLER}
    finally:
        await connection.close()


async def _drop_refs(env: BenchEnv) -> None:
    connection = await connect(env.database_url)
    try:
        await connection.execute(
            "DROP TABLE IF EXISTS bench_write_refs, bench_pay_refs; "
            "DROP SEQUENCE IF EXISTS bench_pay_next"
        )
        await delete_bench_users(connection, EMAIL)
    finally:
        await connection.close()


def _replay(env: BenchEnv, parties: Parties) -> dict[str, Any]:
    binary = pgbench_binary()
    if binary is None:
        return {"skipped": "pgbench not found"}
    defines = loadgen.run(_refs(env, parties))
    results: dict[str, Any] = {}
    for name, scripts in REPLAYS.items():
        load = os.getloadavg()
        results[name] = {
            **run_script(binary, env.database_url, scripts, CLIENTS, DURATION_SECONDS, defines),
            "load_average": [round(x, 2) for x in load],
        }
    return results


def run(env: BenchEnv) -> dict[str, Any]:
    migrate.upgrade(env.database_url)
    try:
        with server(env, workers=WORKERS) as base:
            outcome = loadgen.run(_scenarios(env, base, JWT_SECRET))
        pgbench = _replay(env, outcome["parties"])
    finally:
        loadgen.run(_drop_refs(env))
    return {
        "clients": CLIENTS,
        "workers": WORKERS,
        "duration_seconds": DURATION_SECONDS,
        "scenarios": outcome["results"],
        "pgbench": pgbench,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"{result['clients']} clients (one keep-alive connection each; bench/loadgen.py on the "
        f"same machine), uvicorn with {result['workers']} worker processes (one per core), "
        f"{result['duration_seconds']} s per endpoint. `send_message`: buyer i messages a "
        "seller about a listing; `create_listing`: seller i lists a material (description, "
        "composition); `update_listing`: seller i reprices and restocks one of its "
        f"{LISTINGS_PER_SELLER} listings; `pay`: buyer i pays one of its pending orders "
        "(sandbox gateway, Idempotency-Key). After each, the database is checked against the "
        "answers. pgbench then replays each endpoint's SQL (bench/pgbench/, `-M prepared`, "
        "the same clients): app / database is the share of the database's ceiling the app "
        "reaches. CPU per request: the app's workers, PostgreSQL (in brackets the part used by "
        "its processes that ended during the run: autovacuum's workers, closed sessions), the "
        "load generator; RSS of each app worker after the scenario; PostgreSQL sessions "
        "opened during it and rows its statements read per request (`pg_stat_database`); "
        "load average (1, 5, 15 min) at its end.",
        "",
        "| endpoint | app req/s | p50 ms | p99 ms | errors | stored as answered "
        "| pgbench tx/s | app / database | CPU ms/request app, db (ended), client | RSS MB "
        "| sessions, rows read | load |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | --- | ---: | --- |",
    ]
    pgbench = result.get("pgbench", {})
    for name, figures in result["scenarios"].items():
        usage = figures["usage"]
        replayed = pgbench.get(name, {})
        tps = replayed.get("tps")
        ratio = f"{figures['requests_per_second'] / tps:.0%}" if tps else "n/a"
        lines.append(
            f"| {name} | {figures['requests_per_second']} | {figures['p50_ms']} | "
            f"{figures['p99_ms']} | {figures['errors']} | "
            f"{'yes' if figures['check']['consistent'] else 'NO'} | "
            f"{tps if tps is not None else replayed.get('error', replayed.get('skipped'))} | "
            f"{ratio} | {cpu_cell(usage)} | "
            f"{', '.join(str(x) for x in usage['app_rss_mb'])} | "
            f"{sessions_cell(usage)} | "
            f"{', '.join(str(x) for x in usage['load_average'])} |"
        )
    checks = [
        f"{name} {loadgen.statuses_text(f['statuses'])} ("
        + ", ".join(f"{k} {v}" for k, v in f["check"].items())
        + ")"
        for name, f in result["scenarios"].items()
    ]
    lines += ["", "Statuses and checks: " + "; ".join(checks) + "."]
    loads = "; ".join(
        f"{name} {', '.join(str(x) for x in r.get('load_average', []))}"
        for name, r in pgbench.items()
        if isinstance(r, dict)
    )
    if loads:
        lines.append(f"\nLoad average when each pgbench replay started: {loads}.")
    return "\n".join(lines)
