"""Storefronts (GET /api/sellers/{id}) and the seller's own catalogue."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.companies.models import Company
from fabricloop.materials.models import Material
from tests.factories import auth_headers, make_material, make_transaction, make_user

SELLERS = "/api/sellers"
CATALOGUE = "/api/sellers/me/materials"
NOW = datetime.now(UTC)


@pytest.fixture
async def listings(session: AsyncSession, seller: User) -> dict[str, Material]:
    made = {}
    for age, status in enumerate(("active", "draft", "sold_out", "archived", "active")):
        made[f"{status}{age}"] = await make_material(
            session,
            seller,
            title=f"Listing {status} {age}",
            status=status,
            quantity=Decimal(0) if status == "sold_out" else Decimal(10),
            created_at=NOW - timedelta(days=age),
        )
    made["deleted"] = await make_material(session, seller, title="Gone", deleted_at=NOW)
    return made


class TestStorefront:
    @pytest.mark.usefixtures("listings")
    async def test_profile_and_active_listings(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
    ) -> None:
        other = await make_user(session, company_name="Other Mill")
        await make_material(session, other, title="Not theirs")
        response = await client.get(f"{SELLERS}/{seller.id}")
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["user_id"] == str(seller.id)
        assert data["company_name"] == seller.company_name
        assert data["member_since"].endswith("Z")
        assert not {"email", "phone"} & set(data)
        assert (data["listing_count"], data["total"], data["page"], data["limit"]) == (2, 2, 1, 20)
        assert [m["title"] for m in data["materials"]] == ["Listing active 0", "Listing active 4"]
        assert data["materials"][0]["seller"]["company_name"] == seller.company_name
        paged = (await client.get(f"{SELLERS}/{seller.id}", params={"page": 2, "limit": 1})).json()
        assert [m["title"] for m in paged["materials"]] == ["Listing active 4"]
        assert paged["listing_count"] == 2

    async def test_verified_badge_and_country(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        before = (await client.get(f"{SELLERS}/{seller.id}")).json()
        assert (before["verified"], before["country"]) == (False, None)
        session.add(
            Company(
                user_id=seller.id,
                legal_name="Porto Mills Lda",
                registration_number="509123456",
                country="PT",
                address="Rua 1, Porto",
            )
        )
        seller.verified_at = NOW
        await session.flush()
        after = (await client.get(f"{SELLERS}/{seller.id}")).json()
        assert (after["verified"], after["country"]) == (True, "PT")
        seller.suspended_at = NOW
        await session.flush()
        assert (await client.get(f"{SELLERS}/{seller.id}")).status_code == 404

    async def test_impact_of_completed_orders(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        empty = (await client.get(f"{SELLERS}/{seller.id}")).json()["impact"]
        assert empty == {
            "completed_orders": 0,
            "total_quantity_kg": 0,
            "total_carbon_saved": 0,
            "total_water_saved": 0,
        }
        # Post-consumer cotton: 1.4 kg CO2e avoided per kg (the report's figures).
        cotton = await make_material(
            session, seller, material_type="cotton", source_type="post_consumer", composition=[]
        )
        await make_transaction(session, cotton, buyer, quantity=Decimal(2), status="completed")
        await make_transaction(session, cotton, buyer, quantity=Decimal(3), status="completed")
        # Not completed yet, cancelled, a sample, or another seller's: none counts.
        for status in ("paid", "shipped", "cancelled", "pending"):
            await make_transaction(session, cotton, buyer, quantity=Decimal(7), status=status)
        await make_transaction(
            session, cotton, buyer, quantity=Decimal(1), status="completed", kind="sample"
        )
        other = await make_user(session, company_name="Other Mill")
        theirs = await make_material(
            session, other, material_type="cotton", source_type="post_consumer", composition=[]
        )
        await make_transaction(session, theirs, buyer, quantity=Decimal(11), status="completed")
        impact = (await client.get(f"{SELLERS}/{seller.id}")).json()["impact"]
        assert impact["completed_orders"] == 2
        assert impact["total_quantity_kg"] == 5
        assert impact["total_carbon_saved"] == 7  # 5 kg x 1.4
        # Water as the seller's sales report computes it.
        sales = await client.get(
            "/api/reports/sustainability", params={"side": "sales"}, headers=auth_headers(seller)
        )
        report = sales.json()
        # The report also counts paid and shipped sales, all of the same material: per kg.
        per_kg_water = report["total_water_saved"] / report["total_quantity_kg"]
        assert impact["total_water_saved"] == pytest.approx(5 * per_kg_water, abs=1)
        assert impact["total_water_saved"] > 0
        # Storefront still 404s where it did: a suspended seller shows nothing, figures neither.
        seller.suspended_at = NOW
        await session.flush()
        assert (await client.get(f"{SELLERS}/{seller.id}")).status_code == 404

    async def test_unknown_and_not_sellers(
        self, client: AsyncClient, session: AsyncSession, buyer: User
    ) -> None:
        gone = await make_user(session, is_active=False)
        for user_id in (uuid.uuid4(), buyer.id, gone.id):
            response = await client.get(f"{SELLERS}/{user_id}")
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        assert (await client.get(f"{SELLERS}/not-a-uuid")).status_code in (404, 422)

    @pytest.mark.parametrize("params", [{"page": "0"}, {"limit": "x"}, {"page": "-1"}])
    async def test_bad_pages(
        self, client: AsyncClient, seller: User, params: dict[str, str]
    ) -> None:
        response = await client.get(f"{SELLERS}/{seller.id}", params=params)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_query"


class TestCatalogue:
    @pytest.mark.usefixtures("listings")
    async def test_every_status_but_deleted(self, client: AsyncClient, seller: User) -> None:
        response = await client.get(CATALOGUE, headers=auth_headers(seller))
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["total"] == 5
        assert [m["status"] for m in data["materials"]] == [
            "active",
            "draft",
            "sold_out",
            "archived",
            "active",
        ]
        assert set(data["materials"][0]) >= {"material_id", "title", "thumbnail_url", "updated_at"}

    @pytest.mark.usefixtures("listings")
    @pytest.mark.parametrize(
        ("status", "titles"),
        [
            ("draft", ["Listing draft 1"]),
            ("sold_out", ["Listing sold_out 2"]),
            ("archived", ["Listing archived 3"]),
            ("active", ["Listing active 0", "Listing active 4"]),
        ],
    )
    async def test_status_filter(
        self,
        client: AsyncClient,
        seller: User,
        status: str,
        titles: list[str],
    ) -> None:
        response = await client.get(
            CATALOGUE, params={"status": status}, headers=auth_headers(seller)
        )
        assert [m["title"] for m in response.json()["materials"]] == titles
        assert response.json()["total"] == len(titles)

    @pytest.mark.usefixtures("listings")
    async def test_only_ones_own(self, client: AsyncClient, buyer: User) -> None:
        data = (await client.get(CATALOGUE, headers=auth_headers(buyer))).json()
        assert (data["materials"], data["total"]) == ([], 0)

    @pytest.mark.parametrize("params", [{"status": "deleted"}, {"status": ""}, {"limit": "0"}])
    async def test_bad_query(
        self, client: AsyncClient, seller: User, params: dict[str, str]
    ) -> None:
        response = await client.get(CATALOGUE, params=params, headers=auth_headers(seller))
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_query"

    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.get(CATALOGUE)).status_code == 401
