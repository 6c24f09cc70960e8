"""`python -m bench.data`: the generator commits real rows, so these tests use `committed`."""

import json

import asyncpg
import pytest
from anyio import to_thread
from bench import data
from bench.env import BenchEnv, prepare_data
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.materials.models import DigitalProductPassport, Material, SustainabilityMetric
from fabricloop.ops.pgtools import connect

pytestmark = pytest.mark.concurrency

LIVE = (
    select(func.count())
    .select_from(Material)
    .where(Material.status == "active", Material.deleted_at.is_(None))
)


def _libpq_url(settings: Settings) -> str:
    """The test database's URL as the generator and asyncpg take it."""
    assert settings.database_url is not None
    url = make_url(settings.database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def _index_names(connection: asyncpg.Connection) -> set[str]:
    rows = await connection.fetch(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND"
        " (tablename IN ('materials', 'sustainability_metrics', 'digital_product_passports')"
        " OR tablename LIKE 'material_search%')"
    )
    return {row["indexname"] for row in rows}


async def _count(maker: async_sessionmaker[AsyncSession], statement: object) -> int:
    async with maker() as session:
        return int(await session.scalar(statement) or 0)  # type: ignore[call-overload]


class TestBenchData:
    async def test_generates_listings_through_the_command(
        self,
        committed: async_sessionmaker[AsyncSession],
        committed_client: AsyncClient,
        settings: Settings,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        argv = [
            "--materials",
            "120",
            "--seed",
            "7",
            "--workers",
            "1",
            "--database-url",
            _libpq_url(settings),
        ]
        assert await to_thread.run_sync(data.main, argv) == 0
        timings = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert timings["materials"] == 120
        assert timings["other_states"] == 2

        assert await _count(committed, LIVE) == 120
        assert await _count(committed, select(func.count()).select_from(Material)) == 122
        deleted = select(func.count()).select_from(Material).where(Material.deleted_at.is_not(None))
        assert await _count(committed, deleted) <= 1
        assert await _count(committed, select(func.count()).select_from(User)) == 10
        passports = select(func.count()).select_from(DigitalProductPassport)
        assert await _count(committed, passports) == 122
        metrics = await _count(committed, select(func.count()).select_from(SustainabilityMetric))
        assert 40 < metrics < 122

        async with committed() as session:
            rows = (await session.scalars(select(Material).limit(50))).all()
        for material in rows:
            assert material.unit == "kg" or material.kg_per_unit is not None
            assert sum(part["percent"] for part in material.composition) == 100
            assert material.min_order_quantity is None or (
                material.min_order_quantity <= material.quantity
            )

        page = (await committed_client.get("/api/materials", params={"limit": 5})).json()
        assert page["total"] == 120
        assert len(page["materials"]) == 5
        words = page["materials"][0]["title"].split()[1]
        found = (await committed_client.get("/api/materials", params={"q": words})).json()
        assert found["total"] >= 1

    async def test_adds_to_listings_already_there(
        self,
        committed: async_sessionmaker[AsyncSession],
        settings: Settings,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The bench tops its database up (20,000 listings, then a million): a second run
        with the same seed adds new rows instead of repeating the first run's ids."""
        argv = ["--materials", "50", "--seed", "7", "--workers", "1", "--database-url"]
        argv.append(_libpq_url(settings))
        runs = []
        for _ in range(2):
            assert await to_thread.run_sync(data.main, argv) == 0
            runs.append(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))
        assert [run["present_before"] for run in runs] == [0, 51]
        assert runs[0]["seed"] == 7
        assert runs[1]["seed"] != 7

        assert await _count(committed, LIVE) == 100
        assert await _count(committed, select(func.count()).select_from(Material)) == 102
        passports = select(func.count()).select_from(DigitalProductPassport)
        assert await _count(committed, passports) == 102

    async def test_prepare_data_fills_up_to_the_size_asked_and_says_what_is_there(
        self,
        committed: async_sessionmaker[AsyncSession],
        settings: Settings,
    ) -> None:
        """What `python -m bench` does before its benchmarks: the listings missing up to
        BENCH_MATERIALS are generated (in a subprocess, as a run does); a smaller size adds
        none, and the run's figures name the listings really there."""
        assert settings.redis_url is not None
        url_text = _libpq_url(settings)
        first = await to_thread.run_sync(prepare_data, BenchEnv(url_text, settings.redis_url, 30))
        assert first["present_before"] == 0
        assert first["generated"] == 30
        assert first["active_listings"] == 30
        again = await to_thread.run_sync(prepare_data, BenchEnv(url_text, settings.redis_url, 10))
        assert again == {"present_before": 30, "generated": 0, "active_listings": 30}
        assert await _count(committed, LIVE) == 30

    async def test_builds_again_the_indexes_an_interrupted_load_dropped(
        self,
        committed: async_sessionmaker[AsyncSession],  # noqa: ARG002 - tables emptied after
        settings: Settings,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A large load drops the secondary indexes and builds them at its end; one that dies
        in between (killed, a failed COPY) leaves them recorded, and the next run builds them
        again, whatever its size."""
        dsn_text = _libpq_url(settings)
        connection = await connect(dsn_text)
        try:
            before = await _index_names(connection)
            await data._drop_secondary_indexes(connection)  # a large load's start; it dies
            dropped = before - await _index_names(connection)
            assert {
                "ix_materials_seller_id_created_at",
                "ix_material_search_price_material_id",
            } <= dropped

            argv = ["--materials", "20", "--workers", "1", "--database-url", dsn_text]
            assert await to_thread.run_sync(data.main, argv) == 0
            timings = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
            assert timings["indexes_rebuilt"] == len(
                [name for name in dropped if not name.startswith("material_search_")]
            )
            assert await _index_names(connection) == before
            assert await connection.fetchval(f"SELECT count(*) FROM {data.DROPPED_INDEXES}") == 0
        finally:
            await data._build_dropped_indexes(connection)
            await connection.execute(f"DROP TABLE IF EXISTS {data.DROPPED_INDEXES}")
            await connection.close()

    def test_refused_in_production(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("ENV", "production")
        assert data.main(["--materials", "1"]) == 2
        assert "ENV=production" in capsys.readouterr().err
