"""Orders priced goods + shipping when placed, pickup, refusal before stock, and tracking."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.cache import Cache
from fabricloop.core.redis import create_redis
from fabricloop.materials.models import Material
from fabricloop.shipping import caching
from fabricloop.shipping.models import ShippingZone
from fabricloop.shipping.pricing import Profile, Zone
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.core.apps import DOWN_REDIS
from tests.factories import (
    address,
    auth_headers,
    make_lots,
    make_material,
    make_transaction,
)
from tests.shipping.helpers import put_profile, zone
from tests.transactions.helpers import TRANSACTIONS, order


async def stock_of(session: AsyncSession, material: Material) -> Decimal:
    value = await session.scalar(
        select(Material.quantity)
        .where(Material.id == material.id)
        .execution_options(populate_existing=True)
    )
    assert value is not None
    return value


async def order_count(session: AsyncSession, material: Material) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Transaction).where(Transaction.material_id == material.id)
    )
    return count or 0


async def place(
    client: AsyncClient, buyer: User, body: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    response = await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


async def detail(client: AsyncClient, user: User, transaction_id: str) -> dict[str, Any]:
    response = await client.get(f"{TRANSACTIONS}/{transaction_id}", headers=auth_headers(user))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def to_munich(material: Material, quantity: Any = 400, **overrides: Any) -> dict[str, Any]:
    munich = address(city="München", postal_code="80331", country="DE")
    return order(material.id, quantity, shipping_address=munich, **overrides)


class TestPricedOrder:
    async def test_goods_plus_shipping(
        self, client: AsyncClient, seller: User, buyer: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        created = await place(client, buyer, to_munich(denim))
        # goods 400 x 4.20 = 1680; 180 kg: 25 + 0.80 x 180 = 169; total 1849
        assert (created["goods_total"], created["shipping_price"], created["total"]) == (
            1680,
            169,
            1849,
        )
        assert created["shipping_method"] == "zone"
        data = await detail(client, buyer, created["transaction_id"])
        assert (data["goods_total"], data["shipping_price"], data["total"]) == (1680, 169, 1849)
        assert (data["incoterm"], data["shipping_method"]) == ("DAP", "zone")
        assert data["estimated_days"] == {"min": 4, "max": 7}
        ordered = datetime.fromisoformat(data["created_at"]).date()
        assert data["estimated_delivery_date"] == (ordered + timedelta(days=7)).isoformat()
        assert (data["carrier"], data["tracking_number"], data["tracking_url"]) == (None,) * 3
        listed = await client.get(TRANSACTIONS, headers=auth_headers(buyer))
        (summary,) = listed.json()["transactions"]
        assert (summary["goods_total"], summary["shipping_price"]) == (1680, 169)

    async def test_free_over_threshold(
        self, client: AsyncClient, seller: User, buyer: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        created = await place(client, buyer, to_munich(denim, 500))  # goods 2100 >= 2000
        assert (created["goods_total"], created["shipping_price"], created["total"]) == (
            2100,
            0,
            2100,
        )

    async def test_payment_charges_goods_and_shipping(
        self, client: AsyncClient, seller: User, buyer: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        created = await place(client, buyer, to_munich(denim, 10.5))
        # goods 44.10; 4.725 kg: 25 + 3.78 = 28.78; total 72.88
        assert (created["goods_total"], created["shipping_price"], created["total"]) == (
            44.1,
            28.78,
            72.88,
        )
        paid = await client.post(
            "/api/payments",
            json={"transaction_id": created["transaction_id"], "payment_method": "pm_card_visa"},
            headers=auth_headers(buyer),
        )
        assert paid.status_code == 201, paid.text
        assert (paid.json()["amount"], paid.json()["status"]) == (72.88, "succeeded")
        data = await detail(client, buyer, created["transaction_id"])
        paid_on = datetime.fromisoformat(data["paid_at"]).astimezone(UTC).date()
        assert data["estimated_delivery_date"] == (paid_on + timedelta(days=7)).isoformat()

    @pytest.mark.usefixtures("session")
    async def test_later_profile_change_keeps_the_order(
        self,
        client: AsyncClient,
        seller: User,
        buyer: User,
        denim: Material,
    ) -> None:
        await put_profile(client, auth_headers(seller))
        created = await place(client, buyer, to_munich(denim))
        await put_profile(
            client, auth_headers(seller), incoterm="DDP", zones=[zone(base_price=500)]
        )
        data = await detail(client, seller, created["transaction_id"])
        assert (data["shipping_price"], data["total"], data["incoterm"]) == (169, 1849, "DAP")
        # The next order is priced at the new rules: 500 + 144 = 644.
        assert (await place(client, buyer, to_munich(denim)))["shipping_price"] == 644

    async def test_without_profile_totals_are_unchanged(
        self, client: AsyncClient, buyer: User, denim: Material
    ) -> None:
        created = await place(client, buyer, to_munich(denim))
        assert (created["goods_total"], created["shipping_price"], created["total"]) == (
            1680,
            0,
            1680,
        )
        data = await detail(client, buyer, created["transaction_id"])
        assert data["shipping_method"] == "arranged_by_seller"
        assert (data["incoterm"], data["estimated_days"], data["estimated_delivery_date"]) == (
            None,
            None,
            None,
        )


class TestTradeTerms:
    async def test_tier_price_and_lot(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        listing = await make_material(
            session,
            seller,
            unit="m",
            kg_per_unit=Decimal("0.45"),
            price=Decimal("4.20"),
            price_tiers=[{"min_quantity": "480", "price": "4.00"}],
        )
        await make_lots(session, listing, ("L1", Decimal("300")), ("L2", Decimal("700")))
        await put_profile(client, auth_headers(seller))
        created = await place(client, buyer, to_munich(listing, 480, lot_code="L2"))
        # 480 x 4.00 = 1920; 216 kg: 25 + 172.80 = 197.80; total 2117.80
        assert (created["goods_total"], created["shipping_price"], created["total"]) == (
            1920,
            197.8,
            2117.8,
        )

    async def test_sample_needs_an_address_and_no_pickup(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        swatch = await make_material(
            session, seller, sample_available=True, sample_price=Decimal("5.00")
        )
        await put_profile(client, auth_headers(seller))
        body: dict[str, Any] = {"material_id": str(swatch.id), "kind": "sample", "pickup": True}
        assert (await place(client, buyer, body, 422))["error"]["details"][0]["field"] == "pickup"
        del body["pickup"]
        data = await place(client, buyer, body, 422)
        assert data["error"]["details"][0]["field"] == "shipping_address"
        sample = await place(client, buyer, {**body, "shipping_address": address()})
        assert (sample["shipping_method"], sample["shipping_price"], sample["total"]) == (
            "arranged_by_seller",
            0,
            5,
        )


class TestRefusedBeforeStock:
    async def test_outside_every_zone(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        denim: Material,
    ) -> None:
        await put_profile(client, auth_headers(seller))
        tokyo = address(city="Tokyo", postal_code="100-0001", country="JP")
        body = order(denim.id, 400, shipping_address=tokyo)
        data = await place(client, buyer, body, 422)
        assert_error(data, "not_shipped_to_country")
        assert await stock_of(session, denim) == Decimal("1000")
        assert await order_count(session, denim) == 0

    async def test_outside_zones_before_insufficient_stock(
        self, client: AsyncClient, seller: User, buyer: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        body = order(denim.id, 5000, shipping_address=address(country="US"))
        assert_error(await place(client, buyer, body, 422), "not_shipped_to_country")

    async def test_address_required_without_pickup(
        self, client: AsyncClient, session: AsyncSession, buyer: User, denim: Material
    ) -> None:
        body = order(denim.id, 10)
        del body["shipping_address"]
        data = await place(client, buyer, body, 422)
        assert_error(data, "validation_error")
        assert data["error"]["details"][0]["field"] == "shipping_address"
        assert await stock_of(session, denim) == Decimal("1000")

    @pytest.mark.parametrize("pickup", ["true", 1, None, {"x": 1}])
    async def test_pickup_must_be_boolean(
        self, client: AsyncClient, buyer: User, denim: Material, pickup: Any
    ) -> None:
        data = await place(client, buyer, order(denim.id, 10, pickup=pickup), 422)
        assert data["error"]["details"][0]["field"] == "pickup"

    async def test_order_total_too_large_with_shipping(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        heavy = await make_material(
            session,
            seller,
            quantity=Decimal("99999999999"),
            unit="kg",
            price=Decimal("9.99"),
        )
        await put_profile(
            client, auth_headers(seller), zones=[zone(price_per_kg=999999, free_over=None)]
        )
        body = to_munich(heavy, 99999999999)
        data = await place(client, buyer, body, 422)
        assert data["error"]["details"][0]["field"] == "quantity"


class TestPickup:
    async def test_pickup_needs_no_address(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        denim: Material,
    ) -> None:
        await put_profile(client, auth_headers(seller))
        body = order(denim.id, 400, pickup=True)
        del body["shipping_address"]
        created = await place(client, buyer, body)
        assert (created["shipping_method"], created["shipping_price"], created["total"]) == (
            "pickup",
            0,
            1680,
        )
        data = await detail(client, seller, created["transaction_id"])
        assert data["shipping_address"] is None
        assert (data["incoterm"], data["estimated_days"]) == ("EXW", {"min": 2, "max": 2})
        assert await stock_of(session, denim) == Decimal("600")

    async def test_pickup_keeps_an_address_given(
        self, client: AsyncClient, seller: User, buyer: User, denim: Material
    ) -> None:
        await put_profile(client, auth_headers(seller))
        created = await place(client, buyer, to_munich(denim, pickup=True))
        data = await detail(client, buyer, created["transaction_id"])
        assert data["shipping_method"] == "pickup"
        assert data["shipping_address"]["city"] == "München"

    async def test_pickup_not_offered(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        denim: Material,
    ) -> None:
        await put_profile(client, auth_headers(seller), pickup_available=False)
        assert_error(
            await place(client, buyer, to_munich(denim, pickup=True), 422), "pickup_unavailable"
        )
        assert await stock_of(session, denim) == Decimal("1000")

    async def test_pickup_without_profile(
        self, client: AsyncClient, buyer: User, denim: Material
    ) -> None:
        assert_error(
            await place(client, buyer, to_munich(denim, pickup=True), 422), "pickup_unavailable"
        )


class TestTracking:
    async def paid_order(self, session: AsyncSession, denim: Material, buyer: User) -> Transaction:
        return await make_transaction(session, denim, buyer, status="paid")

    async def ship(
        self, client: AsyncClient, seller: User, transaction: Transaction, **body: Any
    ) -> Any:
        return await client.post(
            f"{TRANSACTIONS}/{transaction.id}/status",
            json={"status": "shipped", **body},
            headers=auth_headers(seller),
        )

    @pytest.mark.parametrize(
        ("carrier", "number", "expected"),
        [
            ("ups", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
            ("dpd", "01234567890123", "https://tracking.dpd.de/status/en_US/parcel/01234567890123"),
            ("other", "PALLET-7", None),
        ],
    )
    async def test_carrier_and_tracking_url(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        denim: Material,
        carrier: str,
        number: str,
        expected: str | None,
    ) -> None:
        transaction = await self.paid_order(session, denim, buyer)
        response = await self.ship(
            client, seller, transaction, carrier=carrier, tracking_number=number
        )
        assert response.status_code == 200, response.text
        data = await detail(client, buyer, str(transaction.id))
        assert (data["status"], data["carrier"], data["tracking_number"]) == (
            "shipped",
            carrier,
            number,
        )
        assert data["tracking_url"] == expected
        assert [h["status"] for h in data["status_history"]] == ["pending", "paid", "shipped"]

    async def test_tracking_number_without_carrier(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        denim: Material,
    ) -> None:
        transaction = await self.paid_order(session, denim, buyer)
        response = await self.ship(client, seller, transaction, tracking_number="X1")
        assert response.status_code == 200
        data = await detail(client, buyer, str(transaction.id))
        assert (data["carrier"], data["tracking_url"]) == (None, None)

    @pytest.mark.parametrize("carrier", ["royalmail", "UPS", "", 5, "dhl\x00"])
    async def test_unknown_carrier(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        denim: Material,
        carrier: Any,
    ) -> None:
        transaction = await self.paid_order(session, denim, buyer)
        response = await self.ship(client, seller, transaction, carrier=carrier)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "carrier"
        assert (await detail(client, buyer, str(transaction.id)))["status"] == "paid"

    @pytest.mark.usefixtures("seller")
    async def test_carrier_only_when_shipping(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        denim: Material,
    ) -> None:
        transaction = await make_transaction(session, denim, buyer)
        response = await client.post(
            f"{TRANSACTIONS}/{transaction.id}/status",
            json={"status": "cancelled", "carrier": "dhl"},
            headers=auth_headers(buyer),
        )
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert response.json()["error"]["details"][0]["field"] == "carrier"

    async def test_buyer_cannot_ship(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        denim: Material,
    ) -> None:
        transaction = await self.paid_order(session, denim, buyer)
        response = await self.ship(client, buyer, transaction, carrier="dhl", tracking_number="1")
        assert response.status_code == 403


class TestRulesCache:
    """Orders read the seller's rules from the cache (shipping.caching): what they read, what
    retires it, and what never gets stored."""

    async def test_orders_are_priced_from_the_cached_rules(
        self,
        client: AsyncClient,
        session: AsyncSession,
        redis: Redis,
        seller: User,
        buyer: User,
        denim: Material,
    ) -> None:
        await put_profile(client, auth_headers(seller))
        # 100 m weigh 45 kg: 25 + 0.8 x 45 = 61.
        assert (await place(client, buyer, to_munich(denim, 100)))["shipping_price"] == 61
        assert await redis.exists(caching.rules_key(seller.id)) == 1
        # A change behind the application's back is not seen: the rules are the cached ones.
        await session.execute(
            update(ShippingZone)
            .where(ShippingZone.seller_id == seller.id)
            .values(base_price=Decimal("99"))
        )
        assert (await place(client, buyer, to_munich(denim, 100)))["shipping_price"] == 61
        # A change through the API retires them before it answers: 30 + 36 = 66.
        await put_profile(client, auth_headers(seller), zones=[zone(base_price=30)])
        assert (await place(client, buyer, to_munich(denim, 100)))["shipping_price"] == 66

    async def test_a_seller_without_a_profile_is_cached_as_none(
        self, client: AsyncClient, redis: Redis, seller: User, buyer: User, denim: Material
    ) -> None:
        created = await place(client, buyer, to_munich(denim))
        assert created["shipping_method"] == "arranged_by_seller"
        assert await redis.exists(caching.rules_key(seller.id)) == 1
        await put_profile(client, auth_headers(seller))
        assert (await place(client, buyer, to_munich(denim)))["shipping_price"] == 169

    async def test_a_read_that_raced_a_profile_change_stores_nothing(
        self, app: Any, redis: Redis, seller: User
    ) -> None:
        cache = app.state.cache
        seen, rules, hit = await caching.read_rules(cache, seller.id)
        assert seen is not None
        assert (rules, hit) == (None, False)
        await redis.incr(caching.SHIPPING_GENERATION_KEY)  # a profile change committed meanwhile
        await caching.store_rules(cache, seen, seller.id, None)
        assert await redis.exists(caching.rules_key(seller.id)) == 0
        # Read afresh, the same store is kept.
        seen, _, _ = await caching.read_rules(cache, seller.id)
        assert seen is not None
        await caching.store_rules(cache, seen, seller.id, None)
        assert await caching.read_rules(cache, seller.id) == (seen, None, True)

    async def test_rules_come_back_exact_and_of_their_epoch_only(
        self, app: Any, seller: User
    ) -> None:
        cache = app.state.cache
        rules = Profile(
            ships_from="PT",
            handling_days=2,
            incoterm="DAP",
            pickup_available=True,
            zones=(
                Zone("EU ünï", ("DE", "FR"), Decimal("25.10"), Decimal("0.8"), None, 2, 5),
                Zone("UK", ("GB",), Decimal("45"), Decimal("1.333"), Decimal("2000.00"), 3, 7),
            ),
        )
        seen, _, _ = await caching.read_rules(cache, seller.id)
        assert seen is not None
        await caching.store_rules(cache, seen, seller.id, rules)
        _, cached, hit = await caching.read_rules(cache, seller.id)
        assert hit
        assert cached == rules
        assert cached is not None
        assert str(cached.zones[0].base_price) == "25.10"
        # Stamped with the epoch it was read in: after the epoch moves, a miss.
        epoch = cache.epoch
        cache.epoch = epoch + 1
        try:
            assert (await caching.read_rules(cache, seller.id))[2] is False
        finally:
            cache.epoch = epoch

    async def test_redis_down_orders_are_priced_from_the_database(
        self,
        client: AsyncClient,
        app: Any,
        redis: Redis,
        seller: User,
        buyer: User,
        denim: Material,
    ) -> None:
        await put_profile(client, auth_headers(seller))
        app.state.cache._down_until = float("inf")
        try:
            assert (await place(client, buyer, to_munich(denim)))["shipping_price"] == 169
        finally:
            app.state.cache._down_until = 0.0
        assert await redis.exists(caching.rules_key(seller.id)) == 0

    async def test_rules_another_version_wrote_are_read_afresh(
        self,
        client: AsyncClient,
        app: Any,
        redis: Redis,
        seller: User,
        buyer: User,
        denim: Material,
    ) -> None:
        await put_profile(client, auth_headers(seller))
        cache = app.state.cache
        seen, _, _ = await caching.read_rules(cache, seller.id)
        assert seen is not None
        epoch, generation = seen
        key = caching.rules_key(seller.id)
        for unreadable in (b'{"ships_from": "PT"}', b"[1, 2]", b"not json", b'{"zones": [{}]}'):
            await redis.set(key, cache.stamp(epoch, b"%d\n%b" % (generation, unreadable)))
            assert (await place(client, buyer, to_munich(denim, 100)))["shipping_price"] == 61
            # Stored anew by the order that read them afresh.
            assert (await caching.read_rules(cache, seller.id))[2] is True

    async def test_an_unreachable_redis_is_a_miss_and_stores_nothing(self, seller: User) -> None:
        redis = create_redis(DOWN_REDIS)
        cache = Cache(redis)
        cache.epoch = 1
        try:
            assert await caching.read_rules(cache, seller.id) == (None, None, False)
            assert not cache.available  # left alone for a while: no timeout per order
            cache._down_until = 0.0
            cache.failures_covered = cache.failures  # as if the epoch had moved on
            await caching.store_rules(cache, (1, 0), seller.id, None)  # never raises
            assert not cache.available
        finally:
            await redis.aclose()
