"""The database pool keeps open what one process's requests use at once, with the default
settings, on the real database: a connection returned while the pool's kept connections are
idle is closed (SQLAlchemy's QueuePool), and the next burst would start a PostgreSQL backend
and prepare every statement again. Under the purchase benchmark (32 requests at a time per
process) a pool that kept 20 opened 105-190 sessions in 15 seconds."""

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from fabricloop.config import Settings
from fabricloop.core.db import create_engine

# Requests one process serves at once (the benchmark's 32, less the 2 its overflow covers).
BURST = 30
POOL_SETTINGS = ("db_pool_size", "db_max_overflow")


async def _burst(engine: AsyncEngine) -> set[int]:
    """BURST connections held at once, each running a statement: their backends' pids."""
    pids: set[int] = set()
    all_held = asyncio.Event()
    release = asyncio.Event()

    async def use() -> None:
        async with engine.connect() as connection:
            pids.add(await connection.scalar(text("SELECT pg_backend_pid()")))
            if len(pids) == BURST:
                all_held.set()
            await release.wait()

    tasks = [asyncio.create_task(use()) for _ in range(BURST)]
    try:
        async with asyncio.timeout(30):
            await all_held.wait()
    finally:
        release.set()
        await asyncio.gather(*tasks)
    return pids


async def test_a_burst_leaves_its_connections_open_for_the_next(
    settings: Settings, migrated: str
) -> None:
    sizes = {name: Settings.model_fields[name].default for name in POOL_SETTINGS}
    engine = create_engine(settings.model_copy(update=sizes), migrated)
    try:
        first = await _burst(engine)
        second = await _burst(engine)
        assert len(first) == BURST
        # The same backends serve the second burst: none was closed, none started.
        assert second == first
    finally:
        await engine.dispose()
