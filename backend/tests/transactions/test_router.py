import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.listing_cache import (
    SEARCH_GENERATION_KEY,
    SEARCH_STOCK_GENERATION_KEY,
    material_key,
)
from fabricloop.materials.models import Material
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import address, auth_headers, make_material, make_transaction, make_user
from tests.transactions.helpers import TRANSACTIONS, buy, order


async def material_state(session: AsyncSession, material_id: uuid.UUID) -> tuple[Decimal, str]:
    row = (
        await session.execute(
            select(Material.quantity, Material.status)
            .where(Material.id == material_id)
            .execution_options(populate_existing=True)
        )
    ).one()
    return row[0], row[1]


async def transactions_of(session: AsyncSession, material_id: uuid.UUID) -> list[Transaction]:
    result = await session.execute(
        select(Transaction)
        .where(Transaction.material_id == material_id)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def generations(redis: Redis) -> tuple[int, int]:
    listings, stock = await redis.mget(SEARCH_GENERATION_KEY, SEARCH_STOCK_GENERATION_KEY)
    return int(listings or 0), int(stock or 0)


class TestCreateTransaction:
    async def test_valid(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        before = datetime.now(UTC)
        response = await client.post(
            TRANSACTIONS, json=order(material.id, 10.5), headers=auth_headers(buyer)
        )
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {
            "transaction_id",
            "status",
            "goods_total",
            "shipping_price",
            "shipping_method",
            "total",
            "currency",
            "created_at",
        }
        # No shipping profile: the seller arranges delivery, the total is the goods alone.
        assert (data["goods_total"], data["shipping_price"]) == (89.25, 0)
        assert data["shipping_method"] == "arranged_by_seller"
        assert data["status"] == "pending"
        assert data["total"] == 89.25
        assert data["currency"] == "EUR"
        assert data["created_at"].endswith("Z")
        assert await material_state(session, material.id) == (Decimal("89.5"), "active")
        (row,) = await transactions_of(session, material.id)
        assert str(row.id) == data["transaction_id"]
        assert row.buyer_id == buyer.id
        assert row.seller_id == material.seller_id
        assert row.unit_price == Decimal("8.50")
        assert row.quantity_kg == Decimal("10.5")
        assert [h["status"] for h in row.status_history] == ["pending"]
        expected_expiry = before + timedelta(minutes=30)
        assert abs((row.expires_at - expected_expiry).total_seconds()) < 5
        assert row.shipping_address is not None
        assert row.shipping_address["country"] == "PT"

    async def test_total_rounds_half_up(
        self, client: AsyncClient, session: AsyncSession, buyer: User, seller: User
    ) -> None:
        # 0.25 x 0.1 = 0.025: half-up gives 0.03 (banker's rounding would give 0.02).
        material = await make_material(session, seller, price=Decimal("0.25"))
        data = await buy(client, auth_headers(buyer), material.id, 0.1)
        assert data["total"] == 0.03

    async def test_mass_snapshot_for_units(
        self, client: AsyncClient, session: AsyncSession, buyer: User, seller: User
    ) -> None:
        material = await make_material(
            session, seller, unit="roll", kg_per_unit=Decimal("12.5"), quantity=Decimal("8")
        )
        await buy(client, auth_headers(buyer), material.id, 3)
        (row,) = await transactions_of(session, material.id)
        assert row.quantity_kg == Decimal("37.5")
        assert row.unit == "roll"

    @pytest.mark.usefixtures("seller")
    async def test_any_role_may_buy(
        self, client: AsyncClient, session: AsyncSession, material: Material
    ) -> None:
        other_maker = await make_user(session, role="manufacturer")
        await buy(client, auth_headers(other_maker), material.id, 1)

    async def test_last_unit_makes_listing_sold_out(
        self, client: AsyncClient, session: AsyncSession, buyer: User, seller: User
    ) -> None:
        material = await make_material(session, seller, quantity=Decimal("5"))
        await buy(client, auth_headers(buyer), material.id, 5)
        assert await material_state(session, material.id) == (Decimal("0"), "sold_out")
        response = await client.post(
            TRANSACTIONS, json=order(material.id, 1), headers=auth_headers(buyer)
        )
        assert response.status_code == 409
        assert_error(response.json(), "insufficient_quantity")

    async def test_insufficient_quantity(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        response = await client.post(
            TRANSACTIONS, json=order(material.id, 100.001), headers=auth_headers(buyer)
        )
        assert response.status_code == 409
        assert_error(response.json(), "insufficient_quantity")
        assert await material_state(session, material.id) == (Decimal("100"), "active")
        assert await transactions_of(session, material.id) == []

    async def test_invalidates_material_cache(
        self, client: AsyncClient, redis: Redis, buyer: User, material: Material
    ) -> None:
        await redis.set(material_key(material.id), b"{}")
        listings, stock = await generations(redis)
        await buy(client, auth_headers(buyer), material.id, 1)
        assert await redis.get(material_key(material.id)) is None
        # Still on sale: its quantity alone changed.
        assert await generations(redis) == (listings, stock + 1)

    async def test_selling_out_retires_every_search(
        self, client: AsyncClient, redis: Redis, buyer: User, material: Material
    ) -> None:
        listings, stock = await generations(redis)
        await buy(client, auth_headers(buyer), material.id, 100)
        assert await generations(redis) == (listings + 1, stock)

    async def test_unknown_material(self, client: AsyncClient, buyer: User) -> None:
        response = await client.post(
            TRANSACTIONS, json=order(uuid.uuid4()), headers=auth_headers(buyer)
        )
        assert response.status_code == 404
        assert_error(response.json(), "not_found")

    @pytest.mark.parametrize(
        "overrides",
        [
            {"status": "draft"},
            {"status": "archived"},
            {"deleted_at": datetime(2026, 1, 1, tzinfo=UTC)},
        ],
    )
    async def test_invisible_material(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        overrides: dict[str, Any],
    ) -> None:
        material = await make_material(session, seller, **overrides)
        response = await client.post(
            TRANSACTIONS, json=order(material.id), headers=auth_headers(buyer)
        )
        assert response.status_code == 404
        assert await material_state(session, material.id) == (Decimal("100"), material.status)

    async def test_own_material(
        self, client: AsyncClient, session: AsyncSession, seller: User, material: Material
    ) -> None:
        response = await client.post(
            TRANSACTIONS, json=order(material.id), headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert_error(response.json(), "cannot_buy_own_material")
        assert await material_state(session, material.id) == (Decimal("100"), "active")

    async def test_below_minimum_order(
        self, client: AsyncClient, session: AsyncSession, buyer: User, seller: User
    ) -> None:
        material = await make_material(session, seller, min_order_quantity=Decimal("25"))
        response = await client.post(
            TRANSACTIONS, json=order(material.id, 24.999), headers=auth_headers(buyer)
        )
        assert response.status_code == 422
        assert_error(response.json(), "below_minimum_order")
        await buy(client, auth_headers(buyer), material.id, 25)

    async def test_fraction_of_whole_unit(
        self, client: AsyncClient, session: AsyncSession, buyer: User, seller: User
    ) -> None:
        material = await make_material(session, seller, unit="piece", kg_per_unit=Decimal("0.2"))
        response = await client.post(
            TRANSACTIONS, json=order(material.id, 1.5), headers=auth_headers(buyer)
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "quantity"

    @pytest.mark.parametrize(
        "overrides",
        [
            {"price": Decimal("9999999999.99"), "quantity": Decimal("1000")},
            {"unit": "roll", "kg_per_unit": Decimal("99999999"), "quantity": Decimal("100000")},
        ],
    )
    async def test_total_or_mass_beyond_the_columns(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        overrides: dict[str, Any],
    ) -> None:
        material = await make_material(session, seller, **overrides)
        response = await client.post(
            TRANSACTIONS,
            json=order(material.id, int(overrides["quantity"])),
            headers=auth_headers(buyer),
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "quantity"
        assert await transactions_of(session, material.id) == []

    async def test_anonymous(self, client: AsyncClient, material: Material) -> None:
        response = await client.post(TRANSACTIONS, json=order(material.id))
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")

    @pytest.mark.parametrize(
        "field", ["total", "status", "unit_price", "price", "buyer_id", "currency"]
    )
    async def test_server_owned_fields_refused(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        field: str,
    ) -> None:
        body = order(material.id, 1, **{field: "0"})
        response = await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert await transactions_of(session, material.id) == []

    @pytest.mark.parametrize(
        ("quantity", "field"),
        [
            (0, "quantity"),
            (-1, "quantity"),
            (1.2345, "quantity"),
            ("10", "quantity"),
            (True, "quantity"),
            (None, "quantity"),
            (1e20, "quantity"),
            ([1], "quantity"),
        ],
    )
    async def test_bad_quantity(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        quantity: Any,
        field: str,
    ) -> None:
        response = await client.post(
            TRANSACTIONS, json=order(material.id, quantity), headers=auth_headers(buyer)
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == field
        assert await material_state(session, material.id) == (Decimal("100"), "active")

    @pytest.mark.parametrize(
        "shipping",
        [
            address(country="XX"),
            address(country="Portugal"),
            address(recipient_name=""),
            address(recipient_name="x" * 201),
            address(line1="1 Mill\x00 Street"),
            address(postal_code="1" * 21),
            address(extra="field"),
            {"line1": "no name"},
            "1 Mill Street, Porto",
        ],
    )
    async def test_bad_address(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        shipping: Any,
    ) -> None:
        body = order(material.id, shipping_address=shipping)
        response = await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert await transactions_of(session, material.id) == []

    @pytest.mark.usefixtures("session")
    async def test_unicode_and_injection_strings_stored_verbatim(
        self, client: AsyncClient, buyer: User, material: Material
    ) -> None:
        shipping = address(
            recipient_name="Zoë Müller 王芳",
            line1="'; DROP TABLE transactions; --",
            line2="",
            region="<script>alert(1)</script>",
            country="de",
        )
        body = order(material.id, 1, shipping_address=shipping)
        response = await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
        assert response.status_code == 201
        detail = await client.get(
            f"{TRANSACTIONS}/{response.json()['transaction_id']}", headers=auth_headers(buyer)
        )
        stored = detail.json()["shipping_address"]
        assert stored["recipient_name"] == "Zoë Müller 王芳"
        assert stored["line1"] == "'; DROP TABLE transactions; --"
        assert stored["line2"] is None
        assert stored["region"] == "<script>alert(1)</script>"
        assert stored["country"] == "DE"

    @pytest.mark.parametrize("material_id", ["not-a-uuid", "1; DROP TABLE materials", 42, None])
    async def test_bad_material_id(
        self, client: AsyncClient, buyer: User, material_id: Any
    ) -> None:
        body = order(uuid.uuid4())
        body["material_id"] = material_id
        response = await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
        assert response.status_code == 422

    async def test_not_json(self, client: AsyncClient, buyer: User) -> None:
        response = await client.post(
            TRANSACTIONS,
            content=b"quantity=1",
            headers={**auth_headers(buyer), "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_request"


class TestListTransactions:
    async def test_roles_and_filters(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        purchase = await make_transaction(session, material, buyer, status="paid")
        other_material = await make_material(session, buyer, title="Buyer's own surplus")
        sale = await make_transaction(session, other_material, seller)
        stranger = await make_user(session)
        await make_transaction(session, material, stranger)

        async def ids(**params: Any) -> list[str]:
            response = await client.get(TRANSACTIONS, params=params, headers=auth_headers(buyer))
            assert response.status_code == 200
            return [t["transaction_id"] for t in response.json()["transactions"]]

        assert set(await ids()) == {str(purchase.id), str(sale.id)}
        assert await ids(role="buyer") == [str(purchase.id)]
        assert await ids(role="seller") == [str(sale.id)]
        assert await ids(status="pending") == [str(sale.id)]
        assert await ids(role="buyer", status="pending") == []

    async def test_item_shape_and_pagination(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        for _ in range(3):
            await make_transaction(session, material, buyer, quantity=Decimal("2.5"))
        response = await client.get(
            TRANSACTIONS, params={"page": 2, "limit": 2}, headers=auth_headers(buyer)
        )
        assert response.status_code == 200
        data = response.json()
        assert (data["total"], data["page"], data["limit"]) == (3, 2, 2)
        (item,) = data["transactions"]
        assert item["material_title"] == material.title
        assert item["quantity"] == 2.5
        assert item["unit_price"] == 8.5
        assert item["total"] == 21.25
        assert item["buyer"] == {
            "user_id": str(buyer.id),
            "company_name": "Loop Brand",
            "verified": False,
        }
        assert item["seller"]["company_name"] == "Porto Mills"

    async def test_newest_first(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        now = datetime.now(UTC)
        older = await make_transaction(session, material, buyer, created_at=now - timedelta(1))
        newer = await make_transaction(session, material, buyer, created_at=now)
        response = await client.get(TRANSACTIONS, headers=auth_headers(buyer))
        ids = [t["transaction_id"] for t in response.json()["transactions"]]
        assert ids == [str(newer.id), str(older.id)]

    async def test_limit_clamped(self, client: AsyncClient, buyer: User) -> None:
        response = await client.get(
            TRANSACTIONS, params={"limit": 1000}, headers=auth_headers(buyer)
        )
        assert response.status_code == 200
        assert response.json() == {"transactions": [], "total": 0, "page": 1, "limit": 100}

    @pytest.mark.parametrize(
        "params",
        [{"role": "admin"}, {"status": "lost"}, {"page": 0}, {"limit": "x"}, {"page": "1 OR 1=1"}],
    )
    async def test_bad_query(
        self, client: AsyncClient, buyer: User, params: dict[str, Any]
    ) -> None:
        response = await client.get(TRANSACTIONS, params=params, headers=auth_headers(buyer))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_query")

    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.get(TRANSACTIONS)).status_code == 401


class TestGetTransaction:
    @pytest.mark.usefixtures("session")
    async def test_parties_see_it(
        self,
        client: AsyncClient,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        created = await buy(client, auth_headers(buyer), material.id, 4)
        for party in (buyer, seller):
            response = await client.get(
                f"{TRANSACTIONS}/{created['transaction_id']}", headers=auth_headers(party)
            )
            assert response.status_code == 200
            data = response.json()
            assert {
                "transaction_id",
                "material_id",
                "material_title",
                "quantity",
                "unit",
                "unit_price",
                "total",
                "currency",
                "status",
                "buyer",
                "seller",
                "shipping_address",
                "status_history",
                "created_at",
                "updated_at",
            } <= set(data)
            assert data["total"] == 34.0
            assert data["unit"] == "kg"
            assert data["status_history"][0]["status"] == "pending"
            assert data["status_history"][0]["at"].endswith("Z")
            assert data["seller"]["user_id"] == str(seller.id)

    async def test_stranger_gets_404(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction = await make_transaction(session, material, buyer)
        stranger = await make_user(session)
        response = await client.get(
            f"{TRANSACTIONS}/{transaction.id}", headers=auth_headers(stranger)
        )
        assert response.status_code == 404
        assert_error(response.json(), "not_found")

    @pytest.mark.parametrize("transaction_id", [str(uuid.uuid4()), "nope", "1%27%20OR%201=1"])
    async def test_unknown(self, client: AsyncClient, buyer: User, transaction_id: str) -> None:
        response = await client.get(f"{TRANSACTIONS}/{transaction_id}", headers=auth_headers(buyer))
        assert response.status_code == 404

    async def test_anonymous(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction = await make_transaction(session, material, buyer)
        assert (await client.get(f"{TRANSACTIONS}/{transaction.id}")).status_code == 401


async def cancel(client: AsyncClient, party: User, created: dict[str, Any]) -> None:
    response = await client.post(
        status_url(created["transaction_id"]),
        json={"status": "cancelled"},
        headers=auth_headers(party),
    )
    assert response.status_code == 200, response.text


def status_url(transaction_id: object) -> str:
    return f"{TRANSACTIONS}/{transaction_id}/status"


class TestChangeStatus:
    async def test_seller_ships_paid_with_tracking(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction = await make_transaction(session, material, buyer, status="paid")
        response = await client.post(
            status_url(transaction.id),
            json={"status": "shipped", "tracking_number": "1Z999AA10123456784"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200
        data = response.json()
        assert set(data) == {"transaction_id", "status", "updated_at"}
        assert data["status"] == "shipped"
        assert data["updated_at"].endswith("Z")
        detail = (
            await client.get(f"{TRANSACTIONS}/{transaction.id}", headers=auth_headers(buyer))
        ).json()
        assert [h["status"] for h in detail["status_history"]] == ["pending", "paid", "shipped"]
        assert detail["tracking_number"] == "1Z999AA10123456784"

    async def test_buyer_completes_shipped(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction = await make_transaction(session, material, buyer, status="shipped")
        response = await client.post(
            status_url(transaction.id), json={"status": "completed"}, headers=auth_headers(buyer)
        )
        assert response.status_code == 200
        assert response.json()["status"] == "completed"

    @pytest.mark.parametrize("party", ["buyer", "seller"])
    async def test_cancel_releases_stock_once(
        self,
        client: AsyncClient,
        session: AsyncSession,
        redis: Redis,
        buyer: User,
        seller: User,
        party: str,
    ) -> None:
        material = await make_material(session, seller, quantity=Decimal("3"))
        created = await buy(client, auth_headers(buyer), material.id, 3)
        assert await material_state(session, material.id) == (Decimal("0"), "sold_out")
        await redis.set(material_key(material.id), b"{}")
        listings, stock = await generations(redis)
        who = buyer if party == "buyer" else seller
        url = status_url(created["transaction_id"])
        response = await client.post(url, json={"status": "cancelled"}, headers=auth_headers(who))
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        assert await material_state(session, material.id) == (Decimal("3"), "active")
        assert await redis.get(material_key(material.id)) is None
        # Back on sale: it enters searches again, so every cached search retires.
        assert await generations(redis) == (listings + 1, stock)
        again = await client.post(url, json={"status": "cancelled"}, headers=auth_headers(who))
        assert again.status_code == 409
        assert_error(again.json(), "invalid_transition")
        assert await material_state(session, material.id) == (Decimal("3"), "active")

    async def test_cancel_does_not_resurrect_archived_listing(
        self,
        client: AsyncClient,
        session: AsyncSession,
        redis: Redis,
        buyer: User,
        seller: User,
    ) -> None:
        material = await make_material(session, seller, quantity=Decimal("2"))
        created = await buy(client, auth_headers(buyer), material.id, 2)
        material.status = "archived"
        await session.flush()
        listings, stock = await generations(redis)
        await cancel(client, buyer, created)
        assert await material_state(session, material.id) == (Decimal("2"), "archived")
        # Its quantity alone changed: no search shows an archived listing.
        assert await generations(redis) == (listings, stock + 1)

    async def test_cancelling_part_of_the_stock_changes_the_quantity_only(
        self,
        client: AsyncClient,
        session: AsyncSession,
        redis: Redis,
        buyer: User,
        material: Material,
    ) -> None:
        created = await buy(client, auth_headers(buyer), material.id, 10)
        listings, stock = await generations(redis)
        await cancel(client, buyer, created)
        assert await material_state(session, material.id) == (Decimal("100"), "active")
        assert await generations(redis) == (listings, stock + 1)

    @pytest.mark.parametrize(
        ("current", "target", "party"),
        [("paid", "shipped", "buyer"), ("shipped", "completed", "seller")],
    )
    async def test_wrong_party(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
        current: str,
        target: str,
        party: str,
    ) -> None:
        transaction = await make_transaction(session, material, buyer, status=current)
        who = buyer if party == "buyer" else seller
        response = await client.post(
            status_url(transaction.id), json={"status": target}, headers=auth_headers(who)
        )
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")

    @pytest.mark.parametrize(
        ("current", "target", "party"),
        [
            ("pending", "shipped", "seller"),
            ("pending", "completed", "buyer"),
            ("pending", "paid", "buyer"),
            ("pending", "pending", "seller"),
            ("paid", "cancelled", "buyer"),
            ("paid", "completed", "buyer"),
            ("shipped", "shipped", "seller"),
            ("shipped", "cancelled", "buyer"),
            ("completed", "cancelled", "seller"),
            ("cancelled", "pending", "buyer"),
            ("cancelled", "paid", "buyer"),
        ],
    )
    async def test_invalid_transition(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
        current: str,
        target: str,
        party: str,
    ) -> None:
        transaction = await make_transaction(session, material, buyer, status=current)
        who = buyer if party == "buyer" else seller
        response = await client.post(
            status_url(transaction.id), json={"status": target}, headers=auth_headers(who)
        )
        assert response.status_code == 409
        assert_error(response.json(), "invalid_transition")
        await session.refresh(transaction)
        assert transaction.status == current

    async def test_stranger_and_unknown(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction = await make_transaction(session, material, buyer)
        stranger = await make_user(session)
        body = {"status": "cancelled"}
        for url, who in [
            (status_url(transaction.id), stranger),
            (status_url(uuid.uuid4()), buyer),
            (status_url("not-a-uuid"), buyer),
        ]:
            response = await client.post(url, json=body, headers=auth_headers(who))
            assert response.status_code == 404
        await session.refresh(transaction)
        assert transaction.status == "pending"

    @pytest.mark.parametrize(
        "body",
        [
            {"status": "lost"},
            {"status": ""},
            {"status": None},
            {},
            {"status": "cancelled", "reason": "x"},
            {"status": "cancelled", "tracking_number": "1Z"},
            {"status": "shipped", "tracking_number": "x" * 101},
            {"status": ["shipped"]},
        ],
    )
    async def test_bad_body(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        body: dict[str, Any],
    ) -> None:
        transaction = await make_transaction(session, material, buyer)
        response = await client.post(
            status_url(transaction.id), json=body, headers=auth_headers(buyer)
        )
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")

    async def test_anonymous(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction = await make_transaction(session, material, buyer)
        response = await client.post(status_url(transaction.id), json={"status": "cancelled"})
        assert response.status_code == 401
