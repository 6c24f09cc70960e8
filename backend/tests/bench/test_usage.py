"""The benchmarks' bookkeeping: the database's CPU split between the processes that lived
through a run and those that ended in it, and the history seeded before a run and removed
after it (the cleanup commits, so the last test uses `committed`)."""

import uuid

import asyncpg
import pytest
from bench.pgbench import delete_bench_users, seed_history
from bench.usage import ServerCpu
from sqlalchemy.engine import make_url

from fabricloop.config import Settings
from fabricloop.ops.pgtools import connect


class TestServerCpu:
    def test_the_cpu_since_counts_each_process_once_and_splits_off_the_ended(self) -> None:
        # pid 3 ends in between (20 ms before, 26 at its end), pid 4 starts and lives on,
        # pid 5 starts and ends in between (7 ms): the postmaster's exited count grows by 33.
        earlier = ServerCpu({1: 100.0, 2: 50.0, 3: 20.0}, exited=500.0)
        later = ServerCpu({1: 110.0, 2: 80.0, 4: 5.0}, exited=533.0)

        total, ended = later.since(earlier)

        assert total == pytest.approx(10 + 30 + 5 + 6 + 7)
        assert ended == pytest.approx(6 + 7)

    def test_nothing_ended_nothing_split_off(self) -> None:
        earlier = ServerCpu({1: 100.0, 2: 50.0}, exited=500.0)
        later = ServerCpu({1: 101.5, 2: 52.0}, exited=500.0)

        assert later.since(earlier) == pytest.approx((3.5, 0.0))

    def test_a_server_elsewhere_reads_as_none(self) -> None:
        assert ServerCpu.read([]) == ServerCpu({}, 0.0)


PREFIX = "bench-usage-test-"
# Each seeded table, by the column naming the seller it is seeded for.
SEEDED = {"invoice_documents": "seller_id", "notifications": "user_id", "refresh_tokens": "user_id"}
TABLES = tuple(SEEDED)


async def _rows_of(connection: asyncpg.Connection, seller: uuid.UUID) -> dict[str, int]:
    return {
        table: await connection.fetchval(
            f"SELECT count(*) FROM {table} WHERE {column} = $1", seller
        )
        for table, column in SEEDED.items()
    }


@pytest.mark.concurrency
@pytest.mark.usefixtures("committed")
class TestSeededHistory:
    async def test_seeded_analysed_then_removed_with_nothing_else(self, settings: Settings) -> None:
        assert settings.database_url is not None
        url = make_url(settings.database_url).set(drivername="postgresql")
        connection = await connect(url.render_as_string(hide_password=False))
        try:
            other = await connection.fetchval(
                "INSERT INTO users (email, password_hash, company_name, role) VALUES "
                "('not-a-bench-user@example.com', '!', 'Someone', 'brand') RETURNING id"
            )
            await connection.execute(
                "INSERT INTO notifications (user_id, kind, title, body) "
                "VALUES ($1, 'order_paid', 'Kept', 'Not the bench''s.')",
                other,
            )

            await seed_history(connection, PREFIX, rows=30)

            seller = await connection.fetchval(
                "SELECT id FROM users WHERE email LIKE $1", PREFIX + "%"
            )
            assert await _rows_of(connection, seller) == dict.fromkeys(TABLES, 30)
            for table in TABLES:
                # Vacuumed and analysed: the planner's row count is the table's.
                planned, counted = await connection.fetchrow(
                    f"SELECT (SELECT reltuples FROM pg_class WHERE relname = '{table}'), "
                    f"(SELECT count(*) FROM {table})"
                )
                assert planned == counted, table
            unread = await connection.fetchval(
                "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", seller
            )
            live = await connection.fetchval(
                "SELECT count(*) FROM refresh_tokens WHERE user_id = $1 "
                "AND revoked_at IS NULL AND expires_at > now()",
                seller,
            )
            assert (unread, live) == (0, 0)

            await delete_bench_users(connection, PREFIX)

            assert (
                await connection.fetchval(
                    "SELECT count(*) FROM users WHERE email LIKE $1", PREFIX + "%"
                )
                == 0
            )
            assert await _rows_of(connection, seller) == dict.fromkeys(TABLES, 0)
            kept = await connection.fetchval(
                "SELECT count(*) FROM notifications WHERE user_id = $1", other
            )
            assert kept == 1
        finally:
            await connection.close()

    async def test_removes_an_order_with_its_payment_refund_and_payout(
        self, settings: Settings
    ) -> None:
        """The money benchmark's rows: its clean-up must take refunds and payouts too, or the
        order they reference could not be deleted."""
        assert settings.database_url is not None
        url = make_url(settings.database_url).set(drivername="postgresql")
        connection = await connect(url.render_as_string(hide_password=False))
        try:
            seller, buyer = (
                row["id"]
                for row in await connection.fetch(
                    "INSERT INTO users (email, password_hash, company_name, role) "
                    f"SELECT '{PREFIX}' || n || '@example.com', '!', 'Bench ' || n, "
                    "CASE WHEN n = 0 THEN 'manufacturer' ELSE 'brand' END "
                    "FROM generate_series(0, 1) AS n ORDER BY n RETURNING id"
                )
            )
            listing = await connection.fetchval(
                "INSERT INTO materials (seller_id, title, material_type, quantity, unit, "
                "kg_per_unit, price, currency, status) VALUES ($1, 'Bench listing', "
                "'recycled_cotton', 10, 'piece', 0.5, 4.35, 'EUR', 'active') RETURNING id",
                seller,
            )
            order = await connection.fetchval(
                "INSERT INTO transactions (material_id, buyer_id, seller_id, quantity, unit, "
                "quantity_kg, unit_price, total, currency, shipping_address, expires_at) "
                "VALUES ($1, $2, $3, 1, 'piece', 0.5, 4.35, 4.35, 'EUR', '{}', now()) "
                "RETURNING id",
                listing,
                buyer,
                seller,
            )
            await connection.execute(
                "INSERT INTO payments (transaction_id, payer_id, amount, currency, status, "
                "gateway, payment_method) VALUES ($1, $2, 4.35, 'EUR', 'succeeded', 'sandbox', "
                "'pm_card_visa')",
                order,
                buyer,
            )
            await connection.execute(
                "INSERT INTO refunds (transaction_id, amount, currency, reason, status) "
                "VALUES ($1, 1.00, 'EUR', 'Bench', 'succeeded')",
                order,
            )
            await connection.execute(
                "INSERT INTO payouts (transaction_id, seller_id, amount, currency, reference) "
                "VALUES ($1, $2, 3.00, 'EUR', 'po_bench')",
                order,
                seller,
            )

            await delete_bench_users(connection, PREFIX)

            for table in ("payments", "refunds", "payouts"):
                left = await connection.fetchval(
                    f"SELECT count(*) FROM {table} WHERE transaction_id = $1", order
                )
                assert left == 0, table
            assert (
                await connection.fetchval("SELECT count(*) FROM transactions WHERE id = $1", order)
                == 0
            )
            assert (
                await connection.fetchval(
                    "SELECT count(*) FROM users WHERE id = ANY($1::uuid[])", [seller, buyer]
                )
                == 0
            )
        finally:
            await connection.close()
