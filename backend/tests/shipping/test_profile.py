"""PUT/GET /api/account/shipping-profile."""

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.shipping.models import ShippingZone
from tests.asserts import assert_error
from tests.factories import auth_headers, make_user
from tests.shipping.helpers import PROFILE, profile, put_profile, zone


@pytest.fixture
async def brand(session: AsyncSession) -> User:
    return await make_user(session, company_name="Loop Brand", role="brand")


async def zone_count(session: AsyncSession, seller: User) -> int:
    count = await session.scalar(
        select(func.count()).select_from(ShippingZone).where(ShippingZone.seller_id == seller.id)
    )
    return count or 0


class TestPutProfile:
    async def test_valid(self, client: AsyncClient, seller: User) -> None:
        data = await put_profile(client, auth_headers(seller))
        assert set(data) == {
            "ships_from",
            "handling_days",
            "incoterm",
            "zones",
            "pickup_available",
            "updated_at",
        }
        assert (data["ships_from"], data["handling_days"], data["incoterm"]) == ("PT", 2, "DAP")
        assert data["pickup_available"] is True
        assert data["updated_at"].endswith("Z")
        eu, uk = data["zones"]
        assert eu == {
            "name": "EU",
            "countries": ["DE", "FR", "ES", "NL"],
            "base_price": 25,
            "price_per_kg": 0.8,
            "free_over": 2000,
            "transit_days_min": 2,
            "transit_days_max": 5,
        }
        assert uk["free_over"] is None
        read = await client.get(PROFILE, headers=auth_headers(seller))
        assert read.status_code == 200
        assert read.json() == data

    async def test_replaces_the_whole_profile(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        await put_profile(client, auth_headers(seller))
        data = await put_profile(
            client,
            auth_headers(seller),
            zones=[zone(name="Iberia", countries=["es", " pt "])],
            incoterm="EXW",
            pickup_available=False,
        )
        assert [z["name"] for z in data["zones"]] == ["Iberia"]
        assert data["zones"][0]["countries"] == ["ES", "PT"]  # normalised
        assert (data["incoterm"], data["pickup_available"]) == ("EXW", False)
        assert await zone_count(session, seller) == 1

    async def test_no_zones_pickup_only(self, client: AsyncClient, seller: User) -> None:
        data = await put_profile(client, auth_headers(seller), zones=[])
        assert data["zones"] == []

    async def test_unicode_zone_name(self, client: AsyncClient, seller: User) -> None:
        data = await put_profile(
            client, auth_headers(seller), zones=[zone(name="Östliche Zone 東")]
        )
        assert data["zones"][0]["name"] == "Östliche Zone 東"

    @pytest.mark.usefixtures("session")
    async def test_brand_forbidden(self, client: AsyncClient, brand: User) -> None:
        response = await client.put(PROFILE, json=profile(), headers=auth_headers(brand))
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")

    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.put(PROFILE, json=profile())
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")

    async def test_country_in_two_zones(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        body = profile(zones=[zone(), zone(name="Core", countries=["BE", "DE"])])
        response = await client.put(PROFILE, json=body, headers=auth_headers(seller))
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        (detail,) = response.json()["error"]["details"]
        assert detail["field"] == "zones.1.countries.1"
        assert "DE" in detail["message"]
        assert await zone_count(session, seller) == 0  # nothing written

    @pytest.mark.usefixtures("session")
    async def test_invalid_profile_keeps_the_old_one(
        self, client: AsyncClient, seller: User
    ) -> None:
        before = await put_profile(client, auth_headers(seller))
        body = profile(zones=[zone(base_price=-1)])
        response = await client.put(PROFILE, json=body, headers=auth_headers(seller))
        assert response.status_code == 422
        after = await client.get(PROFILE, headers=auth_headers(seller))
        assert after.json() == before

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"ships_from": "XX"}, "ships_from"),
            ({"ships_from": "PRT"}, "ships_from"),
            ({"handling_days": -1}, "handling_days"),
            ({"handling_days": 61}, "handling_days"),
            ({"handling_days": "2"}, "handling_days"),
            ({"handling_days": 2.5}, "handling_days"),
            ({"incoterm": "CIF"}, "incoterm"),
            ({"pickup_available": "yes"}, "pickup_available"),
            ({"zones": "EU"}, "zones"),
            ({"zones": [zone()] * 51}, "zones"),
            ({"owner_id": "00000000-0000-0000-0000-000000000000"}, "owner_id"),
            ({"updated_at": "2026-01-01T00:00:00Z"}, "updated_at"),
        ],
    )
    async def test_bad_profile_fields(
        self, client: AsyncClient, seller: User, change: dict[str, Any], field: str
    ) -> None:
        response = await client.put(PROFILE, json=profile(**change), headers=auth_headers(seller))
        assert response.status_code == 422, response.text
        assert_error(response.json(), "validation_error")
        assert field in {d["field"] for d in response.json()["error"]["details"]}

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"countries": ["ZZ"]}, "countries.0"),
            ({"countries": []}, "countries"),
            ({"countries": ["DE", "DE"]}, "countries"),
            ({"countries": "DE"}, "countries"),
            ({"base_price": -0.01}, "base_price"),
            ({"price_per_kg": -1}, "price_per_kg"),
            ({"free_over": -5}, "free_over"),
            ({"base_price": "25"}, "base_price"),
            ({"base_price": 1.001}, "base_price"),
            ({"base_price": 10**9}, "base_price"),
            ({"price_per_kg": "NaN"}, "price_per_kg"),
            ({"transit_days_min": 6, "transit_days_max": 5}, "transit_days_max"),
            ({"transit_days_min": -1}, "transit_days_min"),
            ({"transit_days_max": 366}, "transit_days_max"),
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "x" * 101}, "name"),
            ({"name": "EU\x00"}, "name"),
            ({"name": None}, "name"),
            ({"extra": 1}, "extra"),
        ],
    )
    async def test_bad_zone_fields(
        self, client: AsyncClient, seller: User, change: dict[str, Any], field: str
    ) -> None:
        body = profile(zones=[zone(**change)])
        response = await client.put(PROFILE, json=body, headers=auth_headers(seller))
        assert response.status_code == 422, response.text
        assert f"zones.0.{field}" in {d["field"] for d in response.json()["error"]["details"]}

    async def test_missing_fields(self, client: AsyncClient, seller: User) -> None:
        response = await client.put(PROFILE, json={}, headers=auth_headers(seller))
        assert response.status_code == 422
        fields = {d["field"] for d in response.json()["error"]["details"]}
        assert fields == {"ships_from", "handling_days", "incoterm", "zones"}

    async def test_injection_strings_are_data(self, client: AsyncClient, seller: User) -> None:
        name = "EU'); DROP TABLE shipping_zones;--"
        data = await put_profile(client, auth_headers(seller), zones=[zone(name=name)])
        assert data["zones"][0]["name"] == name
        read = await client.get(PROFILE, headers=auth_headers(seller))
        assert read.json()["zones"][0]["name"] == name


class TestGetProfile:
    async def test_none_yet(self, client: AsyncClient, seller: User) -> None:
        response = await client.get(PROFILE, headers=auth_headers(seller))
        assert response.status_code == 404
        assert_error(response.json(), "not_found")

    async def test_own_profile_only(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        await put_profile(client, auth_headers(seller))
        other = await make_user(session, role="manufacturer")
        response = await client.get(PROFILE, headers=auth_headers(other))
        assert response.status_code == 404  # another seller's profile is never shown

    async def test_brand_forbidden(self, client: AsyncClient, brand: User) -> None:
        response = await client.get(PROFILE, headers=auth_headers(brand))
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")

    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.get(PROFILE)
        assert response.status_code == 401
