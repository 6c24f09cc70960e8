"""GET /api/fx-rates and `fabricloop fx-import`."""

from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop import cli
from fabricloop.config import Settings, get_settings
from fabricloop.fx import service
from fabricloop.fx.models import FxRate
from tests.fx.helpers import DAILY, HISTORY

FX_RATES = "/api/fx-rates"


class TestGetFxRates:
    async def test_before_any_import(self, client: AsyncClient) -> None:
        response = await client.get(FX_RATES)
        assert response.status_code == 200
        assert response.json()["date"] is None
        assert response.json()["rates"] == []

    async def test_the_newest_day(self, client: AsyncClient, session: AsyncSession) -> None:
        await service.import_rates(session, HISTORY)
        await service.import_rates(session, DAILY.replace("1.0531", "1.0600"))  # replaces 3 Dec
        response = await client.get(FX_RATES)
        data = response.json()
        assert (data["base"], data["date"]) == ("EUR", "2026-12-03")
        assert data["rates"] == [
            {"currency": "EUR", "rate": 1},
            {"currency": "GBP", "rate": 0.8345},
            {"currency": "JPY", "rate": 158.12},
            {"currency": "USD", "rate": 1.06},
        ]

    async def test_the_demo_default(self, client: AsyncClient, session: AsyncSession) -> None:
        await service.import_default(session)
        rates = {r["currency"] for r in (await client.get(FX_RATES)).json()["rates"]}
        assert {"EUR", "USD", "GBP"} <= rates


class TestFxImportCommand:
    def test_imports_a_file(
        self,
        tmp_path: Path,
        migrated: str,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        # Both set, so the command starts no embedded server (which would export its URL).
        monkeypatch.setenv("DATABASE_URL", migrated)
        monkeypatch.setenv("REDIS_URL", settings.redis_url or "")
        get_settings.cache_clear()
        daily = tmp_path / "eurofxref.csv"
        daily.write_text(DAILY, encoding="utf-8")
        try:
            assert cli.main(["fx-import", str(daily)]) == 0
            assert "2026-12-03: 3 currencies" in capsys.readouterr().out
            broken = tmp_path / "broken.csv"
            broken.write_text("Date, USD,\nyesterday, 1.05,\n", encoding="utf-8")
            assert cli.main(["fx-import", str(broken)]) == 2
            assert "not a date" in capsys.readouterr().err
            assert cli.main(["fx-import", str(tmp_path / "missing.csv")]) == 2
        finally:
            _delete_rates(migrated)
            get_settings.cache_clear()


def _delete_rates(url: str) -> None:
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    async def run() -> None:
        engine = create_async_engine(url)
        try:
            async with async_sessionmaker(engine)() as session:
                await session.execute(delete(FxRate))
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())
