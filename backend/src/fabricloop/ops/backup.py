"""`fabricloop backup` and `fabricloop restore`.

A backup is a directory var/backups/<UTC timestamp>/ holding database.dump (pg_dump's custom
format: compressed, restorable table by table), media.tar.gz (the uploaded images) and
manifest.json (versions, row counts per table, and a SHA-256 of each file). A restore goes
into an EMPTY database only, in one transaction, and then checks the row counts."""

import asyncio
import hashlib
import json
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from fabricloop import __version__
from fabricloop.ops.pgtools import connect, find_tool, libpq_connection, server_major

log = structlog.get_logger(__name__)

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"
MEDIA_ROOT = "media"
TOOL_TIMEOUT_SECONDS = 6 * 3600


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class Restored:
    tables: dict[str, int]


async def table_counts(database_url: str) -> dict[str, int]:
    """Exact row counts of every table in the public schema."""
    connection = await connect(database_url)
    try:
        names = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        counts: dict[str, int] = {}
        for row in names:
            name = row["tablename"]
            quoted = '"' + name.replace('"', '""') + '"'
            # An identifier from the catalogue, quoted: nothing from outside reaches this SQL.
            query = f"SELECT count(*) FROM public.{quoted}"  # noqa: S608
            counts[name] = int(await connection.fetchval(query))
        return counts
    finally:
        await connection.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


async def _run(command: list[str], env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), TOOL_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        raise BackupError(f"{Path(command[0]).name} timed out") from None
    if process.returncode != 0:
        message = stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(f"{Path(command[0]).name} failed: {message}")


def _new_directory(root: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    directory = root / stamp
    suffix = 1
    while directory.exists():
        directory = root / f"{stamp}-{suffix}"
        suffix += 1
    directory.mkdir(parents=True)
    directory.chmod(0o700)  # personal data inside
    return directory


def _tar_media(media_dir: Path, target: Path) -> int:
    files = 0
    media_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:gz") as archive:
        archive.add(media_dir, arcname=MEDIA_ROOT, recursive=False)
        if media_dir.is_dir():
            for path in sorted(media_dir.rglob("*")):
                archive.add(
                    path, arcname=f"{MEDIA_ROOT}/{path.relative_to(media_dir)}", recursive=False
                )
                files += path.is_file()
    return files


async def create_backup(database_url: str, media_dir: Path, root: Path) -> Path:
    """Dump the database and archive the media files into a new directory under `root`."""
    major = await server_major(database_url)
    pg_dump = find_tool("pg_dump", major)
    directory = _new_directory(root)
    connection = libpq_connection(database_url)
    await _run(
        [
            str(pg_dump.path),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={directory / DATABASE_FILE}",
            f"--dbname={connection.url}",
        ],
        connection.env,
    )
    media_files = await asyncio.to_thread(_tar_media, media_dir, directory / MEDIA_FILE)
    manifest: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "app_version": __version__,
        "server_major": major,
        "pg_dump": {"path": str(pg_dump.path), "major": pg_dump.major},
        "tables": await table_counts(database_url),
        "media_files": media_files,
        "sha256": {
            name: await asyncio.to_thread(_sha256, directory / name)
            for name in (DATABASE_FILE, MEDIA_FILE)
        },
    }
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    log.info("backup written", directory=str(directory), media_files=media_files)
    return directory


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise BackupError(f"{directory} is not a backup (no {MANIFEST_FILE})")
    manifest: dict[str, Any] = json.loads(path.read_text())
    for name, expected in manifest["sha256"].items():
        if _sha256(directory / name) != expected:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


async def _is_empty(database_url: str) -> bool:
    connection = await connect(database_url)
    try:
        count = await connection.fetchval(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        return int(count) == 0
    finally:
        await connection.close()


def _extract_media(archive_path: Path, media_dir: Path) -> None:
    media_dir.mkdir(parents=True, exist_ok=True)
    prefix = f"{MEDIA_ROOT}/"
    with tarfile.open(archive_path, "r:gz") as archive:
        members = []
        for member in archive.getmembers():
            if not member.name.startswith(prefix):
                continue
            member.name = member.name[len(prefix) :]
            members.append(member)
        # The "data" filter refuses absolute paths, `..`, links out of the tree and devices.
        archive.extractall(media_dir, members=members, filter="data")


async def restore_backup(directory: Path, database_url: str, media_dir: Path) -> Restored:
    """Restore a backup into an empty database and the media directory; check the counts."""
    manifest = await asyncio.to_thread(read_manifest, directory)
    if not await _is_empty(database_url):
        raise BackupError("the target database is not empty; restore into a new database")
    pg_restore = find_tool(
        "pg_restore", max(await server_major(database_url), manifest["pg_dump"]["major"])
    )
    connection = libpq_connection(database_url)
    await _run(
        [
            str(pg_restore.path),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.url}",
            str(directory / DATABASE_FILE),
        ],
        connection.env,
    )
    await asyncio.to_thread(_extract_media, directory / MEDIA_FILE, media_dir)
    counts = await table_counts(database_url)
    if counts != manifest["tables"]:
        raise BackupError(f"row counts differ after restore: {counts} != {manifest['tables']}")
    log.info("backup restored", directory=str(directory), tables=len(counts))
    return Restored(tables=counts)
