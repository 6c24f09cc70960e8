import asyncio
import sys

from anyio import to_thread
from sqlalchemy.engine import make_url

from fabricloop.core import migrate
from fabricloop.ops.pgtools import connect
from tests.ops.test_backup import _admin


async def test_app_processes_migrating_at_once_all_succeed(migrated: str) -> None:
    """Every app process runs the migrations at start-up; started together, they must not
    race (one migrates, the others wait for its lock and find the schema at head)."""
    base = make_url(migrated)
    name = f"{base.database}_concurrent_migrations"
    url = base.set(database=name).render_as_string(False)
    await _admin(migrated, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await _admin(migrated, f'CREATE DATABASE "{name}"')
    try:
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
    finally:
        await _admin(migrated, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    base = make_url(migrated)
    name = f"{base.database}_search_table_copy"
    url = base.set(database=name).render_as_string(False)
    await _admin(migrated, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await _admin(migrated, f'CREATE DATABASE "{name}"')
    try:
        await to_thread.run_sync(migrate.upgrade, url, "0005")
        connection = await connect(
            make_url(url).set(drivername="postgresql").render_as_string(False)
        )
        try:
            await connection.execute(SEED_0005)
            await to_thread.run_sync(migrate.upgrade, url)
            copied = await connection.fetch(
                "SELECT material_id, material_type, price, created_at, document::text "
                "FROM material_search ORDER BY material_id"
            )
            expected = await connection.fetch(
                "SELECT id AS material_id, material_type, price, created_at, "
                "material_search_document(search_vector, material_type, source_type, currency, "
                "origin_country, certifications)::text AS document "
                "FROM materials WHERE status = 'active' AND deleted_at IS NULL ORDER BY id"
            )
            assert len(copied) == 25000 - 2500 - 1000 + 500  # no drafts (n % 10), deleted (n % 25)
            assert copied == expected
        finally:
            await connection.close()
    finally:
        await _admin(migrated, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
