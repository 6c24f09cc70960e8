import asyncio
import sys

from anyio import to_thread
from sqlalchemy.engine import make_url

from fabricloop.core import migrate
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
