"""The contract, "Sustainability reports" and "Operations"."""

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.config import Settings
from tests.contract.helpers import (
    assert_error_response,
    assert_number,
    create_material,
    create_transaction,
    make_party,
    pay,
)
from tests.core.apps import DOWN_DATABASE, DOWN_REDIS, running

REPORT_FIELDS = {
    "start_date",
    "end_date",
    "materials_purchased",
    "total_quantity_kg",
    "total_carbon_saved",
    "total_water_saved",
    "scope3_emissions",
    "by_month",
    "by_material_type",
    "methodology",
}


async def purchase(
    client: AsyncClient, session: AsyncSession, title: str = "Recycled wool melton offcuts"
) -> dict[str, str]:
    _, seller = await make_party(session, company="Report Mills")
    _, buyer = await make_party(session, role="brand", company="Report Brand")
    material = await create_material(client, seller, title=title)
    tx = await create_transaction(client, buyer, material["material_id"], quantity=10)
    assert (await pay(client, buyer, tx["transaction_id"])).status_code == 201
    # A pending purchase does not count.
    await create_transaction(client, buyer, material["material_id"], quantity=10)
    return buyer


class TestSustainabilityReport:
    async def test_fields_and_counts(self, client: AsyncClient, session: AsyncSession) -> None:
        buyer = await purchase(client, session)
        response = await client.get("/api/reports/sustainability", headers=buyer)
        assert response.status_code == 200
        data = response.json()
        assert set(data) >= REPORT_FIELDS
        today = datetime.now(UTC).date()
        assert data["end_date"] == today.isoformat()
        start = date.fromisoformat(data["start_date"])
        assert 360 <= (today - start).days <= 366  # the last 12 months
        assert data["materials_purchased"] == 1
        for field in (
            "total_quantity_kg",
            "total_carbon_saved",
            "total_water_saved",
            "scope3_emissions",
        ):
            assert_number(data[field])
        assert data["total_quantity_kg"] == pytest.approx(4.8)  # 10 m x 0.48 kg/m
        assert data["scope3_emissions"] == pytest.approx(4.8 * 2.1, abs=0.01)
        assert data["total_carbon_saved"] > 0
        assert isinstance(data["by_month"], list)
        assert isinstance(data["by_material_type"], list)
        assert data["by_material_type"][0]["material_type"] == "recycled_wool"
        methodology = data["methodology"]
        assert methodology["factors"]
        assert all(factor["sources"] for factor in methodology["factors"])
        today_month = today.strftime("%Y-%m")
        month = next(m for m in data["by_month"] if m["month"] == today_month)
        assert month["materials_purchased"] == 1
        assert month["quantity_kg"] == pytest.approx(4.8)
        kinds = data["by_material_type"][0]
        assert kinds["scope3_emissions"] == pytest.approx(data["scope3_emissions"])

    async def test_inclusive_dates(self, client: AsyncClient, session: AsyncSession) -> None:
        buyer = await purchase(client, session)
        today = datetime.now(UTC).date().isoformat()
        same_day = await client.get(
            "/api/reports/sustainability",
            params={"start_date": today, "end_date": today},
            headers=buyer,
        )
        assert same_day.json()["materials_purchased"] == 1
        yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
        before = await client.get(
            "/api/reports/sustainability",
            params={"start_date": yesterday, "end_date": yesterday},
            headers=buyer,
        )
        assert before.json()["materials_purchased"] == 0

    @pytest.mark.parametrize(
        ("params", "code"),
        [
            ({"start_date": "2026-13-01"}, "invalid_date_range"),
            ({"end_date": "yesterday"}, "invalid_date_range"),
            ({"start_date": "2026-02-30"}, "invalid_date_range"),
            ({"start_date": "2026-05-01", "end_date": "2026-04-01"}, "invalid_date_range"),
        ],
    )
    async def test_bad_dates_400(
        self, client: AsyncClient, session: AsyncSession, params: dict[str, str], code: str
    ) -> None:
        _, headers = await make_party(session, role="brand")
        response = await client.get("/api/reports/sustainability", params=params, headers=headers)
        assert_error_response(response, 400, code)

    async def test_reversed_range_code(self, client: AsyncClient, session: AsyncSession) -> None:
        _, headers = await make_party(session, role="brand")
        response = await client.get(
            "/api/reports/sustainability",
            params={"start_date": "2026-05-01", "end_date": "2026-04-01"},
            headers=headers,
        )
        assert_error_response(response, 400, "invalid_date_range")

    async def test_requires_auth(self, client: AsyncClient) -> None:
        assert_error_response(await client.get("/api/reports/sustainability"), 401, "unauthorized")
        assert_error_response(
            await client.get("/api/reports/export?format=csv"), 401, "unauthorized"
        )


class TestExport:
    async def test_csv(self, client: AsyncClient, session: AsyncSession) -> None:
        buyer = await purchase(client, session, title="=HYPERLINK(evil)")
        response = await client.get("/api/reports/export", params={"format": "csv"}, headers=buyer)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "charset=utf-8" in response.headers["content-type"].lower()
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment")
        assert ".csv" in disposition
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        cells = [cell for row in rows for cell in row]
        assert "'=HYPERLINK(evil)" in cells
        assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in cells)
        assert "\r\n" in response.content.decode("utf-8-sig")  # RFC 4180 line ends

    async def test_csv_quoting(self, client: AsyncClient, session: AsyncSession) -> None:
        title = 'Wool, "grey" melton'
        buyer = await purchase(client, session, title=title)
        response = await client.get("/api/reports/export", params={"format": "csv"}, headers=buyer)
        assert b'"Wool, ""grey"" melton"' in response.content
        cells = [
            c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row
        ]
        assert title in cells

    @pytest.mark.parametrize("title", ["+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"])
    async def test_csv_neutralises_each_start(
        self, client: AsyncClient, session: AsyncSession, title: str
    ) -> None:
        buyer = await purchase(client, session, title=title)
        response = await client.get("/api/reports/export", params={"format": "csv"}, headers=buyer)
        cells = [
            c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row
        ]
        assert "'" + title in cells

    async def test_pdf(self, client: AsyncClient, session: AsyncSession) -> None:
        buyer = await purchase(client, session)
        response = await client.get("/api/reports/export", params={"format": "pdf"}, headers=buyer)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/pdf")
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.content.startswith(b"%PDF")

    @pytest.mark.parametrize("fmt", ["xlsx", "", "CSVX"])
    async def test_other_formats_400(
        self, client: AsyncClient, session: AsyncSession, fmt: str
    ) -> None:
        _, headers = await make_party(session, role="brand")
        response = await client.get("/api/reports/export", params={"format": fmt}, headers=headers)
        assert response.status_code == 400

    async def test_export_bad_range_400(self, client: AsyncClient, session: AsyncSession) -> None:
        _, headers = await make_party(session, role="brand")
        response = await client.get(
            "/api/reports/export",
            params={"format": "csv", "start_date": "2026-05-01", "end_date": "2026-04-01"},
            headers=headers,
        )
        assert_error_response(response, 400, "invalid_date_range")


class TestOperations:
    async def test_health_shape(self, client: AsyncClient) -> None:
        response = await client.get("/health")
        assert response.status_code == 200
        data = response.json()
        assert set(data) == {"status", "checks", "version"}
        assert data["status"] in ("ok", "degraded")
        assert set(data["checks"]) == {"database", "redis", "payment_gateway"}
        for check in data["checks"].values():
            assert {"status", "latency_ms"} <= set(check)
            assert_number(check["latency_ms"])
        assert data["checks"]["database"]["status"] == "ok"
        assert isinstance(data["version"], str)

    @pytest.mark.usefixtures("redis")
    async def test_health_degraded_and_unavailable(self, settings: Settings) -> None:
        async with running(settings, redis_url=DOWN_REDIS) as (_, http):
            degraded = await http.get("/health")
        assert degraded.status_code == 200
        assert degraded.json()["status"] == "degraded"
        assert degraded.json()["checks"]["redis"]["status"] != "ok"
        async with running(settings, database_url=DOWN_DATABASE) as (_, http):
            down = await http.get("/health")
            login = await http.post(
                "/api/auth/login", json={"email": "a@example.com", "password": "Passw0rdX"}
            )
        assert down.status_code == 503
        assert down.json()["status"] == "unavailable"
        assert set(down.json()["checks"]) == {"database", "redis", "payment_gateway"}
        assert_error_response(login, 503, "service_unavailable")

    async def test_metrics_content(self, client: AsyncClient, session: AsyncSession) -> None:
        await purchase(client, session)
        response = await client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        text = response.text
        histogram = [line for line in text.splitlines() if "_bucket{" in line]
        assert any("route=" in line or "endpoint=" in line or "path=" in line for line in histogram)
        assert any("method=" in line and "status" in line for line in histogram)
        for needle in ("active_users", "transaction", "payment", "pool"):
            assert needle in text, needle
        assert "# TYPE" in text

    async def test_metrics_series(self, client: AsyncClient, session: AsyncSession) -> None:
        buyer = await purchase(client, session)
        await client.get("/api/auth/me", headers=buyer)
        await client.get(f"/api/materials/{uuid.uuid4()}")
        text = (await client.get("/metrics")).text
        labels = ('method="GET"', 'route="/api/materials/{material_id}"', 'status="404"')
        for series in (
            "fabricloop_http_request_duration_seconds_bucket{",
            "fabricloop_http_requests_total{",
        ):
            assert any(
                line.startswith(series) and all(label in line for label in labels)
                for line in text.splitlines()
            ), series
        assert 'fabricloop_payments_total{outcome="succeeded"}' in text
        assert "fabricloop_transactions_total{outcome=" in text
        active = [line for line in text.splitlines() if line.startswith("fabricloop_active_users ")]
        assert float(active[0].split()[1]) >= 1
        for name in ("fabricloop_db_pool_size", "fabricloop_db_pool_checked_out"):
            assert any(line.startswith(name + " ") for line in text.splitlines()), name

    @pytest.mark.usefixtures("redis")
    async def test_rate_limit_429_with_retry_after(self, settings: Settings) -> None:
        async with running(settings, rate_limit_per_minute=3) as (_, http):
            statuses = [(await http.get("/api/materials/types")).status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            limited = await http.get("/api/materials/types")
            assert_error_response(limited, 429, "rate_limited")
            assert int(limited.headers["retry-after"]) >= 1
