"""Offers through the API: rounds, turns, expiry, acceptance into an order, the messages."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from fabricloop.messages.models import Message
from fabricloop.offers.models import Offer
from tests.asserts import assert_error
from tests.factories import address, auth_headers, make_lots, make_material, make_user
from tests.offers.helpers import OFFERS, act, make_offer, offer_body


async def messages_between(session: AsyncSession, a: User, b: User) -> list[Message]:
    result = await session.execute(
        select(Message)
        .where(Message.sender_id.in_([a.id, b.id]), Message.recipient_id.in_([a.id, b.id]))
        .order_by(Message.created_at, Message.id)
    )
    return list(result.scalars())


class TestCreateOffer:
    async def test_valid(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        material: Material,
    ) -> None:
        before = datetime.now(UTC)
        data = await make_offer(client, buyer, material, message="Can you do 3.90?")
        assert data["status"] == "open"
        assert data["next_by"] == "seller"
        expires = datetime.fromisoformat(data["expires_at"])
        assert before + timedelta(hours=72) <= expires <= datetime.now(UTC) + timedelta(hours=72)
        assert [(r["by"], r["quantity"], r["unit_price"]) for r in data["rounds"]] == [
            ("buyer", 50, 3.9)
        ]
        assert data["buyer"]["company_name"] == "Loop Brand"
        assert data["transaction_id"] is None
        (message,) = await messages_between(session, buyer, seller)
        assert (message.sender_id, message.recipient_id) == (buyer.id, seller.id)
        assert message.material_id == material.id
        assert "50 m at 3.90 EUR per m" in message.content
        assert "Can you do 3.90?" in message.content

    async def test_own_listing(self, client: AsyncClient, seller: User, material: Material) -> None:
        response = await client.post(
            OFFERS, json=offer_body(material.id), headers=auth_headers(seller)
        )
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")

    @pytest.mark.parametrize(
        ("overrides", "status", "code"),
        [
            ({"quantity": 5}, 422, "below_minimum_order"),
            ({"quantity": 52}, 422, "invalid_increment"),
            ({"quantity": 500}, 409, "insufficient_quantity"),
            ({"currency": "USD"}, 422, "validation_error"),
            ({"currency": "XYZ"}, 422, "validation_error"),
            ({"unit_price": -1}, 422, "validation_error"),
            ({"unit_price": 1.001}, 422, "validation_error"),
            ({"unit_price": "abc"}, 422, "validation_error"),
            ({"quantity": 0}, 422, "validation_error"),
            ({"lot_code": "A"}, 422, "validation_error"),
            ({"message": ""}, 422, "validation_error"),
            ({"message": "x" * 2001}, 422, "validation_error"),
            ({"message": "a\x00b"}, 422, "validation_error"),
            ({"status": "accepted"}, 422, "validation_error"),
            ({"material_id": "not-a-uuid"}, 422, "validation_error"),
        ],
    )
    async def test_invalid(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        overrides: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        response = await client.post(
            OFFERS, json=offer_body(material.id, **overrides), headers=auth_headers(buyer)
        )
        assert response.status_code == status, response.text
        assert_error(response.json(), code)
        assert await session.scalar(select(Offer.id)) is None

    async def test_unknown_or_hidden_listing(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        draft = await make_material(session, seller, status="draft")
        for material_id in (uuid.uuid4(), draft.id):
            response = await client.post(
                OFFERS, json=offer_body(material_id), headers=auth_headers(buyer)
            )
            assert response.status_code == 404

    async def test_anonymous(self, client: AsyncClient, material: Material) -> None:
        assert (await client.post(OFFERS, json=offer_body(material.id))).status_code == 401

    async def test_lot_required_on_a_listing_sold_by_lot(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        rolls = await make_material(session, seller)
        await make_lots(session, rolls, ("R1", Decimal("30")))
        missing = await client.post(
            OFFERS, json=offer_body(rolls.id, quantity=10), headers=auth_headers(buyer)
        )
        assert missing.status_code == 422
        data = await make_offer(client, buyer, rolls, quantity=10, lot_code="R1")
        assert data["lot_code"] == "R1"


class TestRounds:
    async def test_negotiation_to_an_order(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        material: Material,
    ) -> None:
        offer = await make_offer(client, buyer, material, shipping_address=address(city="Braga"))
        offer_id = offer["offer_id"]
        # The buyer can't answer their own round.
        own = await act(client, buyer, offer_id, "counter", {"quantity": 50, "unit_price": 4})
        assert own.status_code == 403
        assert_error(own.json(), "forbidden")
        countered = await act(
            client, seller, offer_id, "counter", {"quantity": 60, "unit_price": 4.05}
        )
        assert countered.status_code == 200, countered.text
        data = countered.json()
        assert [r["by"] for r in data["rounds"]] == ["buyer", "seller"]
        assert (data["quantity"], data["unit_price"], data["next_by"]) == (60, 4.05, "buyer")
        assert (await act(client, seller, offer_id, "accept")).status_code == 403
        accepted = await act(client, buyer, offer_id, "accept")
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["status"] == "accepted"
        transaction_id = accepted.json()["transaction_id"]
        order = await client.get(f"/api/transactions/{transaction_id}", headers=auth_headers(buyer))
        assert order.status_code == 200
        detail = order.json()
        assert (detail["status"], detail["quantity"], detail["unit_price"]) == ("pending", 60, 4.05)
        assert detail["total"] == 243  # 60 x 4.05, not the list price
        assert detail["shipping_address"]["city"] == "Braga"
        stock = await session.scalar(
            select(Material.quantity)
            .where(Material.id == material.id)
            .execution_options(populate_existing=True)
        )
        assert stock == 140
        texts = [m.content for m in await messages_between(session, buyer, seller)]
        assert [t.split(":")[0] for t in texts] == ["Offer", "Counter-offer", "Offer accepted"]
        again = await act(client, seller, offer_id, "decline")
        assert again.status_code == 409
        assert_error(again.json(), "offer_not_open")

    async def test_seller_accepts_without_an_address(
        self, client: AsyncClient, seller: User, buyer: User, material: Material
    ) -> None:
        offer = await make_offer(client, buyer, material)
        address_by_seller = await act(
            client, seller, offer["offer_id"], "accept", {"shipping_address": address()}
        )
        assert address_by_seller.status_code == 422
        accepted = await act(client, seller, offer["offer_id"], "accept")
        assert accepted.status_code == 200
        order = await client.get(
            f"/api/transactions/{accepted.json()['transaction_id']}", headers=auth_headers(buyer)
        )
        assert order.json()["shipping_address"] is None

    async def test_counter_checks_the_terms(
        self, client: AsyncClient, seller: User, buyer: User, material: Material
    ) -> None:
        offer = await make_offer(client, buyer, material)
        for body, code in (
            ({"quantity": 7, "unit_price": 4}, "below_minimum_order"),
            ({"quantity": 11, "unit_price": 4}, "invalid_increment"),
            ({"quantity": 10}, "validation_error"),
            ({"quantity": 10, "unit_price": 4, "by": "buyer"}, "validation_error"),
        ):
            response = await act(client, seller, offer["offer_id"], "counter", body)
            assert response.status_code == 422, response.text
            assert_error(response.json(), code)

    async def test_decline_and_withdraw_turns(
        self, client: AsyncClient, seller: User, buyer: User, material: Material
    ) -> None:
        first = await make_offer(client, buyer, material)
        assert (await act(client, buyer, first["offer_id"], "decline")).status_code == 403
        assert (await act(client, seller, first["offer_id"], "withdraw")).status_code == 403
        declined = await act(client, seller, first["offer_id"], "decline")
        assert declined.json()["status"] == "declined"
        second = await make_offer(client, buyer, material)
        withdrawn = await act(client, buyer, second["offer_id"], "withdraw")
        assert withdrawn.json()["status"] == "withdrawn"
        assert (await act(client, seller, second["offer_id"], "accept")).status_code == 409

    async def test_accepting_an_expired_offer(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        material: Material,
    ) -> None:
        offer = await make_offer(client, buyer, material)
        past = datetime.now(UTC) - timedelta(seconds=1)
        await session.execute(
            update(Offer).where(Offer.id == uuid.UUID(offer["offer_id"])).values(expires_at=past)
        )
        shown = await client.get(f"{OFFERS}/{offer['offer_id']}", headers=auth_headers(seller))
        assert (shown.json()["status"], shown.json()["next_by"]) == ("expired", None)
        response = await act(client, seller, offer["offer_id"], "accept")
        assert response.status_code == 409
        assert_error(response.json(), "offer_not_open")
        assert "expired" in response.json()["error"]["message"]
        stored = await session.scalar(
            select(Offer.status)
            .where(Offer.id == uuid.UUID(offer["offer_id"]))
            .execution_options(populate_existing=True)
        )
        assert stored == "expired"

    async def test_accept_when_the_stock_is_gone(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        material: Material,
    ) -> None:
        offer = await make_offer(client, buyer, material)
        await session.execute(
            update(Material).where(Material.id == material.id).values(quantity=Decimal("20"))
        )
        response = await act(client, seller, offer["offer_id"], "accept")
        assert response.status_code == 409
        assert_error(response.json(), "insufficient_quantity")

    @pytest.mark.parametrize("action", ["counter", "accept", "decline", "withdraw"])
    async def test_strangers_and_unknown_ids(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        action: str,
    ) -> None:
        offer = await make_offer(client, buyer, material)
        stranger = await make_user(session, role="brand")
        body = {"quantity": 50, "unit_price": 4} if action == "counter" else None
        for who, offer_id in ((stranger, offer["offer_id"]), (buyer, str(uuid.uuid4()))):
            response = await act(client, who, offer_id, action, body)
            assert response.status_code == 404
        assert (await client.post(f"{OFFERS}/{offer['offer_id']}/{action}")).status_code == 401


class TestReadOffers:
    async def test_get_and_list(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        buyer: User,
        material: Material,
    ) -> None:
        first = await make_offer(client, buyer, material)
        second = await make_offer(client, buyer, material, quantity=20)
        await act(client, buyer, second["offer_id"], "withdraw")
        got = await client.get(f"{OFFERS}/{first['offer_id']}", headers=auth_headers(seller))
        assert got.status_code == 200
        assert got.json()["material_title"] == material.title
        stranger = await make_user(session)
        hidden = await client.get(f"{OFFERS}/{first['offer_id']}", headers=auth_headers(stranger))
        assert hidden.status_code == 404
        mine = await client.get(OFFERS, params={"role": "seller"}, headers=auth_headers(seller))
        assert mine.json()["total"] == 2
        open_only = await client.get(OFFERS, params={"status": "open"}, headers=auth_headers(buyer))
        assert [o["offer_id"] for o in open_only.json()["offers"]] == [first["offer_id"]]
        none = await client.get(OFFERS, params={"role": "buyer"}, headers=auth_headers(seller))
        assert (none.json()["total"], none.json()["offers"]) == (0, [])

    @pytest.mark.parametrize(
        "params", [{"status": "pending"}, {"role": "admin"}, {"page": 0}, {"limit": "x"}]
    )
    async def test_bad_query(
        self, client: AsyncClient, buyer: User, params: dict[str, Any]
    ) -> None:
        response = await client.get(OFFERS, params=params, headers=auth_headers(buyer))
        assert response.status_code == 400
