"""The database's ceiling for a benchmark's work: the app's SQL for it (captured statement for
statement, in the .sql files here) replayed by pgbench with as many clients as the benchmark,
so each report can show app / database. pgbench comes with pgserver's PostgreSQL (else
PATH's)."""

import asyncio
import re
import shutil
import subprocess
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from fabricloop.ops.pgtools import connect

from bench.env import BenchEnv

HERE = Path(__file__).resolve().parent
EMAIL = "bench-pgbench-"
LISTINGS = 1000
SELLERS = 50
STOCK = 1_000_000
# name -> (scripts, listings: one hot listing or many)
REPLAYS = {
    "hot_listing": (("order.sql",), "hot"),
    "many_listings": (("order.sql",), "many"),
    "hot_listing_paid": (("order.sql", "pay.sql"), "hot"),
    "many_listings_paid": (("order.sql", "pay.sql"), "many"),
}


def pgbench_binary() -> str | None:
    try:
        import pgserver

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    return shutil.which("pgbench")


async def bench_users(
    connection: asyncpg.Connection, count: int, role: str, email_prefix: str = EMAIL
) -> list[uuid.UUID]:
    """`count` users of `role` whose emails start with `email_prefix` (delete_bench_users
    removes them), in the order made."""
    rows = await connection.fetch(
        f"INSERT INTO users (email, password_hash, company_name, role) SELECT '{email_prefix}' "
        "|| gen_random_uuid() || '@example.com', '!', 'Bench ' || $2 || ' ' || n, $2 "
        "FROM generate_series(1, $1) AS n ORDER BY n RETURNING id",
        count,
        role,
    )
    return [r["id"] for r in rows]


async def _prepare(url: str, clients: int, kind: str) -> int:
    """bench_purchase_refs: per row a listing and a buyer with a live login, as the HTTP
    benchmark has them; returns the row count."""
    connection = await connect(url)
    try:
        await seed_history(connection, EMAIL)
        sellers = await bench_users(connection, SELLERS if kind == "many" else 1, "manufacturer")
        buyers = await bench_users(connection, clients, "brand")
        families = [uuid.uuid4() for _ in buyers]
        expires = datetime.now(UTC) + timedelta(hours=2)
        await connection.executemany(
            "INSERT INTO refresh_tokens (jti, user_id, family_id, expires_at) "
            "VALUES ($1, $2, $3, $4)",
            [(uuid.uuid4(), b, f, expires) for b, f in zip(buyers, families, strict=True)],
        )
        listings = await connection.fetch(
            "INSERT INTO materials (seller_id, title, material_type, quantity, unit, "
            "kg_per_unit, price, currency, status) SELECT ($1::uuid[])[1 + n % "
            "cardinality($1::uuid[])], 'Bench pgbench listing', 'recycled_cotton', $2, 'piece', "
            "0.5, 4.35, 'EUR', 'active' FROM generate_series(0, $3 - 1) AS n "
            "RETURNING id, seller_id",
            sellers,
            Decimal(STOCK),
            LISTINGS if kind == "many" else 1,
        )
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_purchase_refs (n int PRIMARY KEY, listing_id uuid, "
            "buyer_id uuid, family_id uuid, seller_id uuid)"
        )
        # An older run's table, made before the seller was one of its columns.
        await connection.execute(
            "ALTER TABLE bench_purchase_refs ADD COLUMN IF NOT EXISTS seller_id uuid"
        )
        await connection.execute("TRUNCATE bench_purchase_refs")
        refs = max(len(listings), clients)
        await connection.executemany(
            "INSERT INTO bench_purchase_refs VALUES ($1, $2, $3, $4, $5)",
            [
                (
                    n + 1,
                    listings[n % len(listings)]["id"],
                    buyers[n % clients],
                    families[n % clients],
                    listings[n % len(listings)]["seller_id"],
                )
                for n in range(refs)
            ],
        )
        await connection.execute("ANALYZE bench_purchase_refs")
        return refs
    finally:
        await connection.close()


# Rows of history seeded per table by seed_history.
HISTORY_ROWS = 50_000


async def seed_history(
    connection: asyncpg.Connection, email_prefix: str, rows: int = HISTORY_ROWS
) -> None:
    """A past for the tables each request reads by index, then their statistics. Every
    benchmark deletes what it wrote, so between runs `notifications`, `invoice_documents` and
    `refresh_tokens` were empty or nearly, and statistics autovacuum took then planned the next
    run's statements as for empty tables: scanning them whole as they filled (5,499 rows read
    per paid purchase in one run instead of about 80; a message 1,012; the login check 30 rows
    of logins per request). Production's tables only grow. Here one seller of the benchmark's
    (`email_prefix`, so delete_bench_users removes it all) gets `rows` issued invoices, of
    orders that are not in the database (the foreign keys are skipped for that statement, as
    the cleanup skips the ledger's trigger), `rows` read notifications and `rows` expired,
    revoked logins; then the three tables are vacuumed (autovacuum would, during the run, for
    so many new rows) and analysed. Other tables the benchmarks write and empty keep the
    statistics autovacuum last took."""
    [seller] = await bench_users(connection, 1, "manufacturer", email_prefix)
    async with connection.transaction():
        await connection.execute("SET LOCAL session_replication_role = replica")
        await connection.execute(
            "INSERT INTO invoice_documents (seller_id, kind, number, transaction_id, amount, "
            "currency, platform_fee, issued_at, rendered_at) SELECT $1, 'invoice', n, "
            "gen_random_uuid(), 10.00, 'EUR', 0.50, now() - n * interval '1 minute', now() "
            "FROM generate_series(1, $2) AS n",
            seller,
            rows,
        )
    await connection.execute(
        "INSERT INTO notifications (user_id, kind, title, body, created_at, read_at) "
        "SELECT $1, 'order_paid', 'Order paid', 'An order is paid.', "
        "now() - n * interval '1 minute', now() FROM generate_series(1, $2) AS n",
        seller,
        rows,
    )
    await connection.execute(
        "INSERT INTO refresh_tokens (jti, user_id, family_id, expires_at, revoked_at) "
        "SELECT gen_random_uuid(), $1, gen_random_uuid(), now() - n * interval '1 minute', "
        "now() - n * interval '1 minute' FROM generate_series(1, $2) AS n",
        seller,
        rows,
    )
    await connection.execute("VACUUM (ANALYZE) notifications, invoice_documents, refresh_tokens")


async def delete_bench_users(connection: asyncpg.Connection, email_prefix: str) -> None:
    """Every row a benchmark made for its users (emails starting with `email_prefix`): their
    listings, orders, payments, refunds, payouts, ledger entries, invoices and credit notes,
    messages, notifications, logins. The ledger refuses deletes (a trigger): the bench
    database is scratch, so its triggers are off for that one statement. Then the database is
    vacuumed, so that the next benchmark's CPU doesn't include autovacuum's work on these rows
    (each run seeds its history and analyses those tables again first: seed_history)."""
    users = f"SELECT id FROM users WHERE email LIKE '{email_prefix}%'"
    listings = f"SELECT id FROM materials WHERE seller_id IN ({users})"
    orders = f"SELECT id FROM transactions WHERE material_id IN ({listings})"
    async with connection.transaction():
        await connection.execute("SET LOCAL session_replication_role = replica")
        await connection.execute(f"DELETE FROM ledger_entries WHERE transaction_id IN ({orders})")
    for statement in (
        f"DELETE FROM invoice_documents WHERE transaction_id IN ({orders}) "
        f"OR seller_id IN ({users})",
        f"DELETE FROM refunds WHERE transaction_id IN ({orders})",
        f"DELETE FROM payouts WHERE transaction_id IN ({orders}) OR seller_id IN ({users})",
        f"DELETE FROM payments WHERE transaction_id IN ({orders})",
        f"DELETE FROM transactions WHERE material_id IN ({listings})",
        f"DELETE FROM messages WHERE sender_id IN ({users}) OR recipient_id IN ({users})",
        f"DELETE FROM digital_product_passports WHERE material_id IN ({listings})",
        f"DELETE FROM materials WHERE seller_id IN ({users})",
        f"DELETE FROM notifications WHERE user_id IN ({users})",
        f"DELETE FROM idempotency_keys WHERE user_id IN ({users})",
        f"DELETE FROM document_counters WHERE seller_id IN ({users})",
        f"DELETE FROM users WHERE id IN ({users})",
    ):
        await connection.execute(statement)
    await connection.execute("VACUUM")


async def _clean(url: str) -> None:
    connection = await connect(url)
    try:
        await delete_bench_users(connection, EMAIL)
        await connection.execute("DROP TABLE IF EXISTS bench_purchase_refs")
    finally:
        await connection.close()


def run_script(
    binary: str,
    url: str,
    scripts: tuple[str, ...],
    clients: int,
    seconds: float,
    defines: dict[str, object],
) -> dict[str, Any]:
    """pgbench -M prepared running the .sql files `scripts` (from this directory, joined into
    one transaction script) for `seconds` with `clients` connections, with `defines` as its
    variables; tps, mean latency and failures, or its last lines when it failed."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        script.write("\n".join((HERE / name).read_text() for name in scripts))
        script.flush()
        completed = subprocess.run(
            [
                binary,
                "-n",
                "-M",
                "prepared",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(max(1, round(seconds))),
                *(f"-D{name}={value}" for name, value in defines.items()),
                "-f",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    output = completed.stdout + completed.stderr
    tps = re.search(r"tps = ([\d.]+) \(without initial", output)
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    if completed.returncode != 0 or tps is None:
        return {"error": output.strip().splitlines()[-3:]}
    return {
        "tps": round(float(tps.group(1)), 1),
        "latency_ms": float(latency.group(1)) if latency else None,
        "failed": int(failed.group(1)) if failed else 0,
    }


def replay(env: BenchEnv, clients: int, seconds: float) -> dict[str, Any]:
    """Each of REPLAYS for `seconds` with `clients` connections."""
    binary = pgbench_binary()
    if binary is None:
        return {"skipped": "pgbench not found"}
    results: dict[str, Any] = {}
    try:
        for name, (scripts, kind) in REPLAYS.items():
            refs = asyncio.run(_prepare(env.database_url, clients, kind))
            results[name] = run_script(
                binary, env.database_url, scripts, clients, seconds, {"refs": refs}
            )
            asyncio.run(_clean(env.database_url))
    finally:
        asyncio.run(_clean(env.database_url))
    return results
