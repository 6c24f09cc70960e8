import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator

from anyio import to_thread
from sqlalchemy.engine import make_url

from fabricloop.core import migrate
from fabricloop.ops.pgtools import connect
from tests.materials.helpers import EXPECTED_ROWS, SEARCH_ROWS
from tests.ops.helpers import admin


@contextlib.asynccontextmanager
async def scratch_database(migrated: str, suffix: str) -> AsyncIterator[str]:
    """The URL of an empty database of its own on the test server, dropped afterwards."""
    base = make_url(migrated)
    name = f"{base.database}_{suffix}"
    await admin(migrated, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin(migrated, f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(False)
    finally:
        await admin(migrated, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_app_processes_migrating_at_once_all_succeed(migrated: str) -> None:
    """Every app process runs the migrations at start-up; started together, they must not
    race (one migrates, the others wait for its lock and find the schema at head)."""
    async with scratch_database(migrated, "concurrent_migrations") as url:
        code = f"from fabricloop.core import migrate; migrate.upgrade({url!r})"
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", code, stderr=asyncio.subprocess.PIPE
            )
            for _ in range(3)
        ]
        results = await asyncio.gather(*(p.communicate() for p in processes))
        assert [p.returncode for p in processes] == [0, 0, 0], results
        await to_thread.run_sync(migrate.check, url)


SEED_0005 = """
    INSERT INTO users (id, email, password_hash, company_name, role)
    VALUES ('00000000-0000-0000-0000-00000000000a', 'mill@example.com', 'x', 'Mill',
            'manufacturer');
    INSERT INTO materials (seller_id, title, description, material_type, quantity, unit, price,
                           currency, status, deleted_at, certifications, created_at)
    SELECT '00000000-0000-0000-0000-00000000000a', 'Denim ' || n, 'Woven twill',
           (ARRAY['cotton', 'wool', 'hemp'])[n % 3 + 1], 10, 'kg', n % 40, 'EUR',
           CASE WHEN n % 10 = 0 THEN 'draft' ELSE 'active' END,
           CASE WHEN n % 25 = 0 THEN now() END,
           '[{"scheme": "GOTS", "certificate_id": "1"}]',
           now() - n * interval '1 hour'
    FROM generate_series(1, 25000) AS n;
"""


async def test_0006_copies_the_live_listings_into_the_search_table(migrated: str) -> None:
    """The upgrade copies the listings of an existing database (in batches of 10,000)."""
    async with scratch_database(migrated, "search_table_copy") as url:
        await to_thread.run_sync(migrate.upgrade, url, "0005")
        libpq_url = make_url(url).set(drivername="postgresql").render_as_string(False)
        connection = await connect(libpq_url)
        try:
            await connection.execute(SEED_0005)
            await to_thread.run_sync(migrate.upgrade, url)
            copied = await connection.fetch(SEARCH_ROWS)
            assert len(copied) == 25000 - 2500 - 1000 + 500  # no drafts (n % 10), deleted (n % 25)
            assert copied == await connection.fetch(EXPECTED_ROWS)
        finally:
            await connection.close()
