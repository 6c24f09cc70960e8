import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pypdf
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.reports.dates import minus_months
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_transaction, make_user
from tests.reports.purchases import at, make_scenario

REPORT = "/api/reports/sustainability"
EXPORT = "/api/reports/export"
RANGE = {"start_date": "2026-01-01", "end_date": "2026-03-31"}


class TestImpactMethod:
    async def test_blend_region_mixed_methods_and_uncovered(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        # A "cotton" listing of 70% cotton, 30% polyester, made in Bangladesh (fabric stage
        # 11): 0.7 x (1.8 + 11) + 0.3 x (2.6 + 11) = 8.96 + 4.08 = 13.04 per kg; 10 kg ->
        # 130.4 kg CO2e, all avoided (deadstock); water 0.7 x 2170 + 0.3 x 70 = 1540 -> 15400 L.
        blend = await make_material(
            session,
            seller,
            material_type="cotton",
            origin_country="BD",
            composition=[{"fibre": "cotton", "percent": 70}, {"fibre": "polyester", "percent": 30}],
        )
        # Silk, no factor: 5 kg uncovered, no Scope 3 figure (null, not 0).
        silk = await make_material(session, seller, material_type="silk", composition=[])
        # Polyester with the seller's footprint 3.0, made in Portugal: 2 kg -> 6.0 kg CO2e
        # (supplier-specific); avoided 2 x (2.6 + 4.5) = 14.2.
        declared = await make_material(
            session,
            seller,
            material_type="polyester",
            origin_country="PT",
            composition=[],
            carbon_footprint=Decimal(3),
        )
        for material, kg, when in (
            (blend, 10, "01-10"),
            (silk, 5, "01-11"),
            (declared, 2, "01-12"),
        ):
            await make_transaction(
                session,
                material,
                buyer,
                quantity=Decimal(kg),
                status="paid",
                paid_at=at(f"2026-{when}T10:00"),
            )
        r = (await client.get(REPORT, params=RANGE, headers=auth_headers(buyer))).json()
        assert r["scope3_emissions"] == 136.4  # 130.4 + 6.0; silk is not counted as 0
        assert r["total_carbon_saved"] == 144.6  # 130.4 + 14.2
        assert r["total_water_saved"] == 15400 + 2 * 70
        assert [
            (m["method"], m["share_of_emissions"], m["share_of_quantity"])
            for m in r["scope3_methods"]
        ] == [
            ("supplier_specific", 0.044, 0.1176),  # 6 / 136.4; 2 / 17
            ("average_data", 0.956, 0.5882),  # 130.4 / 136.4; 10 / 17
            ("none", None, 0.2941),  # 5 / 17
        ]
        first, second, third = r["lines"]
        assert (
            first["material_type_name"],
            first["footprint_per_kg"],
            first["scope3_emissions"],
        ) == (
            "cotton",
            13.04,
            130.4,
        )
        assert first["fabric_stage_region"] == "South and East Asia"
        assert (second["scope3_method"], second["scope3_emissions"], second["water_saved"]) == (
            "none",
            None,
            None,
        )
        assert (third["scope3_method"], third["scope3_emissions"]) == ("supplier_specific", 6)
        assert third["fabric_stage_region"] == "Europe and elsewhere"
        assert r["coverage"]["quantity_kg_without_footprint"] == 5
        regions = {s["region"]: s for s in r["methodology"]["fabric_stages"]}
        assert regions["South and East Asia"]["co2e_per_kg"] == 11
        assert "9-13" in regions["South and East Asia"]["sources"]


class TestSustainabilityReport:
    async def test_hand_computed(self, client: AsyncClient, session: AsyncSession) -> None:
        scenario = await make_scenario(session)
        response = await client.get(REPORT, params=RANGE, headers=auth_headers(scenario.buyer))
        assert response.status_code == 200
        r = response.json()
        assert r["start_date"] == "2026-01-01"
        assert r["end_date"] == "2026-03-31"
        assert r["materials_purchased"] == 5
        assert r["total_quantity_kg"] == 48.333
        # 63 + 120 + 53.4 + 0 + 7.815885
        assert r["scope3_emissions"] == 244.216
        # 63 + 22 + 12.8 + 0 + 20.9979
        assert r["total_carbon_saved"] == 118.798
        # 21700 + 0 + 8910 + 0 + 7232.61
        assert r["total_water_saved"] == 37842.61
        assert r["by_month"] == [
            {
                "month": "2026-01",
                "materials_purchased": 1,
                "quantity_kg": 10,
                "carbon_saved": 63,
                "water_saved": 21700,
                "scope3_emissions": 63,
            },
            {
                "month": "2026-02",
                "materials_purchased": 2,
                "quantity_kg": 30,
                "carbon_saved": 34.8,
                "water_saved": 8910,
                "scope3_emissions": 173.4,
            },
            {
                "month": "2026-03",
                "materials_purchased": 2,
                "quantity_kg": 8.333,
                "carbon_saved": 20.998,
                "water_saved": 7232.61,
                "scope3_emissions": 7.816,
            },
        ]
        by_type = {t["material_type"]: t for t in r["by_material_type"]}
        assert [t["material_type"] for t in r["by_material_type"]] == [
            "recycled_polyester",
            "cotton",
            "blend",
            "silk",
        ]
        assert by_type["cotton"]["quantity_kg"] == 13.333
        assert by_type["cotton"]["scope3_emissions"] == 70.816
        assert by_type["cotton"]["carbon_saved"] == 83.998
        assert by_type["silk"] == {
            "material_type": "silk",
            "materials_purchased": 1,
            "quantity_kg": 5,
            "carbon_saved": 0,
            "water_saved": 0,
            "scope3_emissions": 0,
        }
        assert r["coverage"] == {
            "quantity_kg_without_factors": 5,
            "share_without_factors": 0.1034,
            "quantity_kg_without_footprint": 5,
            "share_without_footprint": 0.1034,
            "statement": "5.000 kg of the 48.333 kg bought (10.3%) has no emission factor: "
            "it is left out of Scope 3 rather than counted as zero.",
        }
        # 7.815885 of 244.215885 kg CO2e came from the seller's declared footprint.
        assert [
            (
                m["method"],
                m["quantity_kg"],
                m["share_of_quantity"],
                m["scope3_emissions"],
                m["share_of_emissions"],
            )
            for m in r["scope3_methods"]
        ] == [
            ("supplier_specific", 3.333, 0.069, 7.816, 0.032),
            ("average_data", 40, 0.8276, 236.4, 0.968),
            ("none", 5, 0.1034, None, None),
        ]
        silk_line = next(line for line in r["lines"] if line["material_type"] == "silk")
        assert silk_line["scope3_method"] == "none"
        assert silk_line["scope3_emissions"] is None
        assert silk_line["carbon_saved"] is None
        assert [line["quantity_kg"] for line in r["lines"]] == [10, 20, 10, 3.333, 5]
        methodology = r["methodology"]
        assert [f["material_type"] for f in methodology["factors"]] == [
            "cotton",
            "polyester",
            "recycled_polyester",
            "silk",
        ]
        cotton = methodology["factors"][0]
        assert cotton["virgin_co2e_per_kg"] == 1.8
        assert cotton["quality"] == "medium"
        assert "Miljogiraff" in cotton["sources"]
        assert methodology["fabric_stage"]["co2e_per_kg"] == 4.5
        assert any("average-data" in s for s in methodology["standards"])
        assert any("supplier-specific" in s for s in methodology["standards"])
        assert any("never" in line and "netted" in line for line in methodology["standards"])

    async def test_avoided_emissions_never_netted(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(
            session, seller, material_type="cotton", source_type="post_consumer", composition=[]
        )
        await make_transaction(session, material, buyer, quantity=2, status="paid")  # type: ignore[arg-type]
        r = (await client.get(REPORT, headers=auth_headers(buyer))).json()
        assert r["scope3_emissions"] == 9.8  # 2 x 4.9, not 9.8 - 2.8
        assert r["total_carbon_saved"] == 2.8

    async def test_other_users_see_their_own(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        scenario = await make_scenario(session)
        r = (
            await client.get(REPORT, params=RANGE, headers=auth_headers(scenario.other_buyer))
        ).json()
        assert r["materials_purchased"] == 2  # the one bought from the seller, one from the buyer
        seller_view = (
            await client.get(REPORT, params=RANGE, headers=auth_headers(scenario.seller))
        ).json()
        assert seller_view["materials_purchased"] == 0

    async def test_default_is_the_last_12_months(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        r = (await client.get(REPORT, headers=auth_headers(user))).json()
        today = datetime.now(UTC).date()
        assert r["end_date"] == today.isoformat()
        assert r["start_date"] == minus_months(today, 12).isoformat()
        assert len(r["by_month"]) == 13
        assert r["by_month"][-1]["month"] == today.strftime("%Y-%m")
        assert r["materials_purchased"] == 0
        assert r["total_quantity_kg"] == 0
        assert r["coverage"]["share_without_factors"] == 0
        assert r["methodology"]["factors"] == []

    async def test_one_bound_given(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        headers = auth_headers(user)
        r = (await client.get(REPORT, params={"end_date": "2026-02-15"}, headers=headers)).json()
        assert (r["start_date"], r["end_date"]) == ("2025-02-15", "2026-02-15")
        r = (await client.get(REPORT, params={"start_date": "2026-01-01"}, headers=headers)).json()
        assert r["end_date"] == datetime.now(UTC).date().isoformat()

    async def test_every_month_of_the_range(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        params = {"start_date": "2025-11-15", "end_date": "2026-02-03"}
        r = (await client.get(REPORT, params=params, headers=auth_headers(user))).json()
        assert [m["month"] for m in r["by_month"]] == ["2025-11", "2025-12", "2026-01", "2026-02"]
        assert all(m["materials_purchased"] == 0 for m in r["by_month"])

    async def test_single_day(self, client: AsyncClient, session: AsyncSession) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller, material_type="cotton", composition=[])
        await make_transaction(
            session, material, buyer, status="paid", paid_at=at("2026-05-05T23:59:59.999999")
        )
        await make_transaction(
            session, material, buyer, status="paid", paid_at=at("2026-05-06T00:00:00")
        )
        params = {"start_date": "2026-05-05", "end_date": "2026-05-05"}
        r = (await client.get(REPORT, params=params, headers=auth_headers(buyer))).json()
        assert r["materials_purchased"] == 1

    @pytest.mark.usefixtures("session")
    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.get(REPORT)
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")

    @pytest.mark.parametrize(
        "params",
        [
            {"start_date": "2026-1-01"},
            {"start_date": "2026-02-30"},
            {"end_date": "yesterday"},
            {"end_date": "2026-01-01T00:00:00"},
            {"start_date": ""},
            {"start_date": "20260101"},
            {"start_date": "2026-01-01' OR 1=1 --"},
            {"start_date": "\uff12\uff10\uff12\uff16-01-01"},
            {"start_date": "2026-03-02", "end_date": "2026-03-01"},
            {"start_date": "2020-01-01", "end_date": "2026-01-02"},
            {"end_date": "9999-12-31"},
            {"start_date": "x" * 100},
        ],
    )
    async def test_invalid_range(
        self, client: AsyncClient, session: AsyncSession, params: dict[str, str]
    ) -> None:
        user = await make_user(session)
        response = await client.get(REPORT, params=params, headers=auth_headers(user))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_date_range")

    async def test_five_years_is_allowed(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        params = {"start_date": "2021-01-02", "end_date": "2026-01-02"}
        response = await client.get(REPORT, params=params, headers=auth_headers(user))
        assert response.status_code == 200
        assert len(response.json()["by_month"]) == 61


def parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


class TestExport:
    async def test_csv(self, client: AsyncClient, session: AsyncSession) -> None:
        scenario = await make_scenario(session, company_name='=HYPERLINK("http://evil")')
        response = await client.get(
            EXPORT, params={"format": "csv", **RANGE}, headers=auth_headers(scenario.buyer)
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"] == (
            'attachment; filename="fabricloop-sustainability-2026-01-01_2026-03-31.csv"'
        )
        assert b"\r\n" in response.content
        assert b"\n" not in response.content.replace(b"\r\n", b"")
        rows = parse_csv(response.content)
        assert len({len(row) for row in rows}) == 1  # every record has the same fields
        cells = {row[0]: row[1:] for row in rows if row and row[0]}
        assert cells["company"][0] == '\'=HYPERLINK("http://evil")'
        assert cells["scope3_emissions"][:2] == ["244.216", "kg CO2e"]
        assert cells["total_carbon_saved"][0] == "118.798"
        assert cells["total_water_saved"][0] == "37842.61"
        assert cells["materials_purchased"][0] == "5"
        assert cells["2026-02"][:5] == ["2", "30.000", "173.400", "34.800", "8910.00"]
        assert cells["quantity_kg_without_factors"][0] == "5.000"
        titles = [row[2] for row in rows if row[3] in ("blend", "silk") and row[1][:4] == "2026"]
        assert "Blend sold by the metre" in titles
        assert any(row[0] == "method" for row in rows)

    @pytest.mark.parametrize(
        ("title", "cell"),
        [
            ("=1+2", "'=1+2"),
            ("+SUM(A1:A2)", "'+SUM(A1:A2)"),
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("\tTabbed", "'\tTabbed"),
            ("\rReturned", "'\rReturned"),
            ('He said "hi", twice', 'He said "hi", twice'),
            ("line one\nline two", "line one\nline two"),
            ("Zoë's ﬁbre 東京", "Zoë's ﬁbre 東京"),
        ],
    )
    async def test_csv_escaping(
        self, client: AsyncClient, session: AsyncSession, title: str, cell: str
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller, title=title)
        await make_transaction(session, material, buyer, status="paid")
        response = await client.get(EXPORT, params={"format": "csv"}, headers=auth_headers(buyer))
        assert response.status_code == 200
        rows = parse_csv(response.content)
        purchase_rows = [row for row in rows if row[3] == "organic_cotton"]
        assert [row[2] for row in purchase_rows] == [cell]
        if '"' in title:
            assert b'"He said ""hi"", twice"' in response.content

    async def test_pdf(self, client: AsyncClient, session: AsyncSession) -> None:
        scenario = await make_scenario(session, company_name="Zoë Ölmühle 東京 Ltd")
        response = await client.get(
            EXPORT, params={"format": "pdf", **RANGE}, headers=auth_headers(scenario.buyer)
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"] == (
            'attachment; filename="fabricloop-sustainability-2026-01-01_2026-03-31.pdf"'
        )
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        for figure in ("244.216", "118.798", "37,842.61", "48.333", "173.400", "2026-02"):
            assert figure in text
        assert "Zoë Ölmühle" in text
        assert "never subtracted" in text
        assert "Miljogiraff" in text
        # Per-purchase lines in plain words, with the method of each figure.
        assert "Purchases" in text
        assert "recycled polyester" in text
        assert "supplier specific" in text
        assert "no factor" in text
        assert "Supplier-specific method" in text

    async def test_pdf_of_an_empty_range(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        response = await client.get(EXPORT, params={"format": "pdf"}, headers=auth_headers(user))
        assert response.status_code == 200
        text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "Summary" in text

    @pytest.mark.parametrize("params", [{}, {"format": "xlsx"}, {"format": "CSV "}, {"format": ""}])
    async def test_bad_format(
        self, client: AsyncClient, session: AsyncSession, params: dict[str, str]
    ) -> None:
        user = await make_user(session)
        response = await client.get(EXPORT, params=params, headers=auth_headers(user))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_query")

    async def test_bad_range(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        params = {"format": "csv", "start_date": "2026-05-01", "end_date": "2026-04-01"}
        response = await client.get(EXPORT, params=params, headers=auth_headers(user))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_date_range")

    @pytest.mark.usefixtures("session")
    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.get(EXPORT, params={"format": "csv"})
        assert response.status_code == 401


class TestThroughTheApi:
    async def test_list_buy_pay_report(self, client: AsyncClient, session: AsyncSession) -> None:
        seller = await make_user(session, role="manufacturer")
        buyer = await make_user(session, role="brand")
        created = await client.post(
            "/api/materials",
            json={
                "title": "Deadstock cotton twill",
                "material_type": "cotton",
                "source_type": "deadstock",
                "quantity": 100,
                "unit": "m",
                "kg_per_unit": 0.3,
                "price": 5,
                "currency": "EUR",
                "sustainability_metrics": {"carbon_footprint": 2.0, "water_usage": 100},
            },
            headers=auth_headers(seller),
        )
        assert created.status_code == 201, created.text
        material_id = created.json()["material_id"]
        bought = await client.post(
            "/api/transactions",
            json={
                "material_id": material_id,
                "quantity": 10,
                "shipping_address": {
                    "recipient_name": "Dock 4",
                    "line1": "1 Quay",
                    "city": "Porto",
                    "postal_code": "4000-001",
                    "country": "PT",
                },
            },
            headers=auth_headers(buyer),
        )
        assert bought.status_code == 201, bought.text
        paid = await client.post(
            "/api/payments",
            json={
                "transaction_id": bought.json()["transaction_id"],
                "payment_method": "pm_card_visa",
            },
            headers=auth_headers(buyer),
        )
        assert paid.status_code == 201, paid.text

        r = (await client.get(REPORT, headers=auth_headers(buyer))).json()
        assert r["materials_purchased"] == 1
        assert r["total_quantity_kg"] == 3  # 10 m x 0.3 kg
        assert r["scope3_emissions"] == 6  # 3 kg x the seller's 2.0
        assert r["total_carbon_saved"] == 18.9  # 3 kg x (1.8 + 4.5): deadstock causes none
        assert r["total_water_saved"] == 6510  # 3 kg x (2120 + 50)
        assert r["by_month"][-1]["materials_purchased"] == 1

        passport = (await client.get(f"/api/passports/{material_id}")).json()
        assert [c["kind"] for c in passport["changes"]] == ["created"]
        assert passport["changes"][0]["fields"]["origin"] == {"old": None, "new": None}
        assert [m["carbon_footprint"] for m in passport["metrics_history"]] == [2.0]


class TestMethodology:
    async def test_public_with_every_factor_and_source(self, client: AsyncClient) -> None:
        response = await client.get("/api/reports/methodology")
        assert response.status_code == 200
        m = response.json()
        assert {f["material_type"] for f in m["factors"]} >= {"cotton", "silk", "blend"}
        assert all(f["sources"] for f in m["factors"])
        assert [s["region"] for s in m["fabric_stages"]] == [
            "Europe and elsewhere",
            "South and East Asia",
        ]
        assert any("supplier-specific" in line for line in m["method"])
