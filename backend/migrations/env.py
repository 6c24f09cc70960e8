"""Alembic environment: async engine, the URL from the caller or the settings."""

import asyncio
import time

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from fabricloop.core.db import async_url
from fabricloop.materials.models import MATERIAL_SEARCH_PARTITION_PREFIX
from fabricloop.models_registry import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url")
    if url is None:
        from fabricloop.config import get_settings

        url = get_settings().database_url
    if url is None:
        raise RuntimeError("DATABASE_URL is not set")
    return async_url(url)


MIGRATION_LOCK = 7046512089021455
LOCK_POLL_SECONDS = 0.2


def _include_object(
    _obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # The partitions of material_search are made by migration 0006, one per material type;
    # the models describe the partitioned table only.
    is_partition = (
        type_ == "table"
        and reflected
        and compare_to is None
        and (name or "").startswith(MATERIAL_SEARCH_PARTITION_PREFIX)
    )
    return not is_partition


def _lock(connection: Connection) -> None:
    """Several app processes migrate at start-up: one at a time, the others then find the
    schema at head. A session-level lock, because a migration may commit midway (an index on a
    big table is built CONCURRENTLY, outside any transaction, so that writes go on). Waiters
    poll instead of blocking: a blocked waiter would hold a snapshot, which a concurrent index
    build waits for while the waiter waits for the build's lock."""
    while True:
        locked = connection.exec_driver_sql(
            f"SELECT pg_try_advisory_lock({MIGRATION_LOCK})"
        ).scalar_one()
        connection.commit()
        if locked:
            return
        time.sleep(LOCK_POLL_SECONDS)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=False,
        include_object=_include_object,
    )
    _lock(connection)
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
        connection.commit()


async def _run_async() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run_migrations_online() -> None:
    asyncio.run(_run_async())


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported")
run_migrations_online()
