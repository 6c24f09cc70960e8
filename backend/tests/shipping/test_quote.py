"""GET /api/materials/{id}/shipping-quote: prices, errors, bad queries and the cache."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from fabricloop.shipping import caching
from fabricloop.shipping.models import ShippingZone
from tests.asserts import assert_error
from tests.factories import auth_headers, make_lots, make_material
from tests.shipping.helpers import put_profile, zone


def url(material_id: uuid.UUID | str) -> str:
    return f"/api/materials/{material_id}/shipping-quote"


async def quote(client: AsyncClient, material_id: uuid.UUID, **params: Any) -> dict[str, Any]:
    response = await client.get(url(material_id), params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


class TestQuote:
    async def test_zone_price(self, client: AsyncClient, seller: User, denim: Material) -> None:
        await put_profile(client, auth_headers(seller))
        data = await quote(client, denim.id, country="DE", quantity=400)
        # 400 m x 0.45 = 180 kg; 25 + 0.80 x 180 = 169; goods 400 x 4.20 = 1680 (< 2000).
        assert data == {
            "material_id": str(denim.id),
            "country": "DE",
            "quantity": 400,
            "shipping_price": 169,
            "currency": "EUR",
            "shipping_method": "zone",
            "zone": "EU",
            "incoterm": "DAP",
            "weight_kg": 180,
            "estimated_days": {"min": 4, "max": 7},
            "goods_total": 1680,
            "total": 1849,
        }

    async def test_free_over_and_other_zone(
        self, client: AsyncClient, seller: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        free = await quote(client, denim.id, country="fr", quantity=500)  # goods 2100
        assert (free["country"], free["shipping_price"], free["total"]) == ("FR", 0, 2100)
        uk = await quote(client, denim.id, country="GB", quantity=10.5)
        # 10.5 x 0.45 = 4.725 kg; 45 + 1.5 x 4.725 = 52.0875 -> 52.09; goods 44.10
        assert (uk["weight_kg"], uk["shipping_price"], uk["goods_total"]) == (4.725, 52.09, 44.1)
        assert uk["total"] == 96.19
        assert uk["estimated_days"] == {"min": 5, "max": 9}

    async def test_pickup(self, client: AsyncClient, seller: User, denim: Material) -> None:
        await put_profile(client, auth_headers(seller))
        data = await quote(client, denim.id, country="JP", quantity=10, pickup="true")
        assert (data["shipping_method"], data["shipping_price"], data["incoterm"]) == (
            "pickup",
            0,
            "EXW",
        )
        assert data["estimated_days"] == {"min": 2, "max": 2}

    async def test_pickup_unavailable(
        self, client: AsyncClient, seller: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller), pickup_available=False)
        response = await client.get(
            url(denim.id), params={"country": "DE", "quantity": 1, "pickup": "true"}
        )
        assert response.status_code == 422
        assert_error(response.json(), "pickup_unavailable")

    async def test_no_profile(self, client: AsyncClient, denim: Material) -> None:
        data = await quote(client, denim.id, country="JP", quantity=10)
        assert data["shipping_method"] == "arranged_by_seller"
        assert (data["shipping_price"], data["incoterm"], data["estimated_days"]) == (0, None, None)
        assert data["total"] == data["goods_total"] == 42

    async def test_kg_listing_weighs_its_quantity(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        fibre = await make_material(session, seller, unit="kg", price=Decimal("8.50"))
        await put_profile(client, auth_headers(seller))
        data = await quote(client, fibre.id, country="NL", quantity=12.345)
        # 25 + 0.8 x 12.345 = 34.876 -> 34.88; goods 104.9325 -> 104.93
        assert (data["weight_kg"], data["shipping_price"], data["goods_total"]) == (
            12.345,
            34.88,
            104.93,
        )
        assert data["total"] == 139.81

    async def test_not_shipped_to_country(
        self, client: AsyncClient, seller: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        response = await client.get(url(denim.id), params={"country": "JP", "quantity": 1})
        assert response.status_code == 422
        body = response.json()
        assert_error(body, "not_shipped_to_country")
        assert body["error"]["pickup_available"] is True

    async def test_sold_out_is_quoted(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        gone = await make_material(session, seller, quantity=Decimal("0"), status="sold_out")
        data = await quote(client, gone.id, country="DE", quantity=1)
        assert data["shipping_method"] == "arranged_by_seller"

    @pytest.mark.parametrize("status", ["draft", "archived"])
    async def test_hidden_listing(
        self, client: AsyncClient, session: AsyncSession, seller: User, status: str
    ) -> None:
        hidden = await make_material(session, seller, status=status)
        response = await client.get(url(hidden.id), params={"country": "DE", "quantity": 1})
        assert response.status_code == 404
        assert_error(response.json(), "not_found")

    async def test_deleted_and_unknown(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        deleted = await make_material(session, seller, deleted_at=datetime.now(UTC))
        for material_id in (deleted.id, uuid.uuid4()):
            response = await client.get(url(material_id), params={"country": "DE", "quantity": 1})
            assert response.status_code == 404
        response = await client.get(url("not-a-uuid"), params={"country": "DE", "quantity": 1})
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "params",
        [
            {"quantity": 1},
            {"country": "DE"},
            {"country": "XX", "quantity": 1},
            {"country": "DEU", "quantity": 1},
            {"country": "' OR 1=1--", "quantity": 1},
            {"country": "D\x00", "quantity": 1},
            {"country": "DE", "quantity": "abc"},
            {"country": "DE", "quantity": "1e999"},
            {"country": "DE", "quantity": "NaN"},
            {"country": "DE", "quantity": 0},
            {"country": "DE", "quantity": -5},
            {"country": "DE", "quantity": "1.0001"},
            {"country": "DE", "quantity": "1" * 20},
            {"country": "DE", "quantity": 1, "pickup": "maybe"},
        ],
    )
    async def test_bad_query(
        self, client: AsyncClient, denim: Material, params: dict[str, Any]
    ) -> None:
        response = await client.get(url(denim.id), params=params)
        assert response.status_code == 400, response.text
        assert_error(response.json(), "invalid_query")

    async def test_whole_units(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        rolls = await make_material(session, seller, unit="roll", kg_per_unit=Decimal("25"))
        response = await client.get(url(rolls.id), params={"country": "DE", "quantity": 2.5})
        assert response.status_code == 400
        assert response.json()["error"]["details"][0]["field"] == "quantity"
        assert (await quote(client, rolls.id, country="DE", quantity=2))["weight_kg"] == 50


class TestTradeTerms:
    async def test_price_tier_sets_the_goods_total(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        tiered = await make_material(
            session,
            seller,
            unit="m",
            kg_per_unit=Decimal("0.45"),
            price=Decimal("4.20"),
            quantity=Decimal("1000"),
            price_tiers=[{"min_quantity": "480", "price": "4.00"}],
        )
        await put_profile(client, auth_headers(seller))
        # 480 m at the 4.00 tier = 1920 (< 2000 free threshold): 25 + 0.8 x 216 = 197.80.
        data = await quote(client, tiered.id, country="DE", quantity=480)
        assert (data["goods_total"], data["shipping_price"], data["total"]) == (1920, 197.8, 2117.8)
        # 500 m at 4.00 = 2000: free from the threshold (at 4.20 it would be 2100 either way).
        assert (await quote(client, tiered.id, country="DE", quantity=500))["shipping_price"] == 0

    async def test_lot_code(self, client: AsyncClient, session: AsyncSession, seller: User) -> None:
        by_lot = await make_material(session, seller, unit="kg", price=Decimal("2"))
        await make_lots(session, by_lot, ("A-1", Decimal("40")), ("B:2", Decimal("60")))
        await put_profile(client, auth_headers(seller))
        for code in ("A-1", "B:2"):
            data = await quote(client, by_lot.id, country="DE", quantity=10, lot_code=code)
            assert data["shipping_price"] == 33  # 25 + 0.8 x 10
        response = await client.get(
            url(by_lot.id), params={"country": "DE", "quantity": 1, "lot_code": "NOPE"}
        )
        assert response.status_code == 400
        assert response.json()["error"]["details"][0]["field"] == "lot_code"

    async def test_lot_code_on_a_listing_without_lots(
        self, client: AsyncClient, denim: Material
    ) -> None:
        for code in ("A-1", "", "x" * 65):
            response = await client.get(
                url(denim.id), params={"country": "DE", "quantity": 1, "lot_code": code}
            )
            assert response.status_code == 400, code


class TestQuoteCache:
    async def test_served_from_the_cache(
        self,
        client: AsyncClient,
        session: AsyncSession,
        redis: Redis,
        seller: User,
        denim: Material,
    ) -> None:
        await put_profile(client, auth_headers(seller))
        first = await quote(client, denim.id, country="DE", quantity=400)
        # A change behind the application's back is not seen: the answer is the cached one.
        await session.execute(
            update(ShippingZone)
            .where(ShippingZone.seller_id == seller.id)
            .values(base_price=Decimal("99"))
        )
        assert await quote(client, denim.id, country="DE", quantity=400) == first
        # Another quantity is another entry, computed afresh from the seller's cached rules
        # (the orders' own): 401 x 0.45 = 180.45 kg; 25 + 0.8 x 180.45 = 169.36.
        fresh = await quote(client, denim.id, country="DE", quantity=401)
        assert fresh["shipping_price"] == 169.36
        # Without them, from the database: 99 + 0.8 x 180.45 = 243.36.
        await redis.delete(caching.rules_key(seller.id))
        fresh = await quote(client, denim.id, country="DE", quantity=402)
        # 402 x 0.45 = 180.9 kg; 99 + 0.8 x 180.9 = 243.72
        assert fresh["shipping_price"] == 243.72

    async def test_profile_change_retires_quotes(
        self, client: AsyncClient, seller: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        assert (await quote(client, denim.id, country="DE", quantity=400))["shipping_price"] == 169
        await put_profile(client, auth_headers(seller), zones=[zone(base_price=30)])
        assert (await quote(client, denim.id, country="DE", quantity=400))["shipping_price"] == 174

    async def test_listing_change_retires_quotes(
        self, client: AsyncClient, seller: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        assert (await quote(client, denim.id, country="DE", quantity=400))["goods_total"] == 1680
        response = await client.put(
            f"/api/materials/{denim.id}",
            json={"price": 6, "kg_per_unit": 0.5},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200
        data = await quote(client, denim.id, country="DE", quantity=400)
        # 400 x 6 = 2400 >= 2000: free now; 400 x 0.5 = 200 kg.
        assert (data["goods_total"], data["shipping_price"], data["weight_kg"]) == (2400, 0, 200)

    async def test_redis_down_still_answers(
        self, client: AsyncClient, redis: Redis, app: Any, seller: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        app.state.cache._down_until = float("inf")
        try:
            data = await quote(client, denim.id, country="DE", quantity=400)
        finally:
            app.state.cache._down_until = 0.0
        assert data["shipping_price"] == 169
        assert await redis.keys("quote:*") == []
