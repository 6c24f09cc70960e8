"""Alembic environment: async engine, the URL from the caller or the settings."""

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from fabricloop.core.db import async_url
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


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=False,
        include_object=_include_object,
    )
    with context.begin_transaction():
        # Several app processes migrate at start-up: one at a time, the others then find the
        # schema at head. A transaction-level lock, released by the migration's commit.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7046512089021455)")
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    asyncio.run(_run_async())


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported")
run_migrations_online()
