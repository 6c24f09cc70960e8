import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from anyio import to_thread
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from fabricloop.core import migrate
from fabricloop.core.db import async_url
from fabricloop.ops.backup import (
    DATABASE_FILE,
    BackupError,
    create_backup,
    restore_backup,
)
from fabricloop.ops.pgtools import connect, find_tool, installed, server_major
from tests.factories import make_material, make_message, make_transaction, make_user
from tests.ops.helpers import admin


@pytest.fixture
async def databases(migrated: str) -> AsyncIterator[tuple[str, str]]:
    """A source and an empty target database of their own (the backup needs committed rows)."""
    base = make_url(migrated)
    names = (f"{base.database}_backup_src", f"{base.database}_backup_dst")
    urls = tuple(base.set(database=n).render_as_string(False) for n in names)
    for name in names:
        await admin(migrated, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin(migrated, f'CREATE DATABASE "{name}"')
    try:
        yield urls[0], urls[1]
    finally:
        for name in names:
            await admin(migrated, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _fill(url: str) -> None:
    engine = create_async_engine(async_url(url))
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            seller = await make_user(session, company_name='Mill Ünïcode 🧵 "quoted"')
            buyer = await make_user(session, role="brand")
            material = await make_material(session, seller, carbon_footprint=Decimal("2.5"))
            await make_transaction(session, material, buyer, status="paid")
            for i in range(50):
                await make_message(session, buyer, seller, f"line {i}\n\t'; DROP TABLE x; --")
            await session.commit()
    finally:
        await engine.dispose()


async def _fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the rows' text of every table."""
    connection = await connect(url)
    try:
        tables = [
            r["tablename"]
            for r in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        result = {}
        for table in tables:
            row = await connection.fetchrow(
                "SELECT count(*) AS n, "
                "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum "
                f'FROM public."{table}" t'
            )
            result[table] = (int(row["n"]), row["sum"])
        return result
    finally:
        await connection.close()


def _media_tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


class TestBackupAndRestore:
    async def test_restores_every_row_and_file(
        self, databases: tuple[str, str], tmp_path: Path
    ) -> None:
        source, target = databases
        await to_thread.run_sync(migrate.upgrade, source)
        await _fill(source)
        media = tmp_path / "media"
        (media / "ab" / "cd").mkdir(parents=True)
        (media / "ab" / "cd" / "image.webp").write_bytes(os.urandom(5000))
        (media / "thumb.webp").write_bytes(b"\x00\x01binary")

        directory = await create_backup(source, media, tmp_path / "backups")
        assert (directory / DATABASE_FILE).stat().st_size > 0
        assert directory.name.endswith("Z")

        restored_media = tmp_path / "restored-media"
        restored = await restore_backup(directory, target, restored_media)

        before, after = await _fingerprint(source), await _fingerprint(target)
        assert after == before
        assert before["messages"][0] == 50
        assert before["users"][0] == 2
        assert restored.tables["messages"] == 50
        assert _media_tree(restored_media) == _media_tree(media)

        with pytest.raises(BackupError, match="not empty"):
            await restore_backup(directory, target, restored_media)

    async def test_damaged_backup_is_refused(
        self, databases: tuple[str, str], tmp_path: Path
    ) -> None:
        source, target = databases
        await to_thread.run_sync(migrate.upgrade, source)
        directory = await create_backup(source, tmp_path / "media", tmp_path / "backups")
        dump = directory / DATABASE_FILE
        data = bytearray(dump.read_bytes())
        data[len(data) // 2] ^= 0xFF
        dump.write_bytes(bytes(data))
        with pytest.raises(BackupError, match="checksum"):
            await restore_backup(directory, target, tmp_path / "restored")

    async def test_not_a_backup(self, databases: tuple[str, str], tmp_path: Path) -> None:
        with pytest.raises(BackupError, match="not a backup"):
            await restore_backup(tmp_path, databases[1], tmp_path / "m")


class TestPgTools:
    async def test_picks_a_client_at_least_as_new_as_the_server(self, migrated: str) -> None:
        major = await server_major(migrated)
        tool = find_tool("pg_dump", major)
        assert tool.major >= major
        assert all(t.major < major for t in installed("pg_dump") if t.major < tool.major)

    def test_none_new_enough(self) -> None:
        with pytest.raises(RuntimeError, match="PG_BIN_DIR"):
            find_tool("pg_dump", 99)


def test_timestamped_directories_do_not_collide(tmp_path: Path) -> None:
    from fabricloop.ops.backup import _new_directory

    first, second = _new_directory(tmp_path), _new_directory(tmp_path)
    assert first != second
    assert first.name.startswith(datetime.now(UTC).strftime("%Y%m%d"))
