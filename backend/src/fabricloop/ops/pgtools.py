"""Finding pg_dump and pg_restore for a server: a client older than the server cannot dump it,
so we take the oldest installed client whose major version is at least the server's.

Candidates: $PG_BIN_DIR, the PostgreSQL 16 that ships inside the pgserver wheel, Debian's
/usr/lib/postgresql/<major>/bin, and whatever is on PATH."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import URL, make_url


class ToolNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class Tool:
    path: Path
    major: int


@dataclass(frozen=True)
class Connection:
    """A libpq URL without the password, and the environment that carries the password (so it
    never shows in the process list)."""

    url: str
    env: dict[str, str]


def libpq_connection(database_url: str) -> Connection:
    url: URL = make_url(database_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return Connection(url.set(password=None).render_as_string(hide_password=False), env)


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    if os.environ.get("PG_BIN_DIR"):
        dirs.append(Path(os.environ["PG_BIN_DIR"]))
    try:
        import pgserver

        dirs.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:  # pragma: no cover - pgserver is a dependency
        pass
    dirs.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    return dirs


def _major(path: Path) -> int | None:
    try:
        output = subprocess.run(  # noqa: S603 - a path we found, no shell
            [str(path), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else None


def installed(name: str) -> list[Tool]:
    paths = [d / name for d in _candidate_dirs() if (d / name).is_file()]
    on_path = shutil.which(name)
    if on_path:
        paths.append(Path(on_path).resolve())
    tools: dict[Path, Tool] = {}
    for path in paths:
        major = _major(path)
        if major is not None:
            tools.setdefault(path, Tool(path, major))
    return sorted(tools.values(), key=lambda t: t.major)


def find_tool(name: str, server_major: int) -> Tool:
    tools = installed(name)
    for tool in tools:
        if tool.major >= server_major:
            return tool
    found = ", ".join(f"{t.path} ({t.major})" for t in tools) or "none"
    raise ToolNotFound(
        f"no {name} of PostgreSQL {server_major} or newer (found: {found}); set PG_BIN_DIR"
    )


async def connect(database_url: str) -> Any:
    """An asyncpg connection. A `?host=/socket/dir` in the URL wins over the URL's host, as
    with libpq and SQLAlchemy (asyncpg alone would try both, the wrong server first)."""
    url = make_url(database_url)
    socket_dir = url.query.get("host")
    return await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=socket_dir if isinstance(socket_dir, str) else url.host,
        port=url.port,
        database=url.database,
    )


async def create_database_if_missing(database_url: str) -> None:
    """Create the URL's database on its server unless it exists (connecting to `postgres`)."""
    url = make_url(database_url)
    admin = await connect(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", url.database)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{url.database}"')
    finally:
        await admin.close()


async def server_major(database_url: str) -> int:
    connection = await connect(database_url)
    try:
        version = int(await connection.fetchval("SHOW server_version_num"))
    finally:
        await connection.close()
    return version // 10000
