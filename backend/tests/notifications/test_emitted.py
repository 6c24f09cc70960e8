"""The events of offers, refunds and disputes reach the people they concern as notifications
of their own kind, linking to the page where they act on them."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.disputes import service as disputes
from fabricloop.materials.models import Material
from fabricloop.transactions import service as transactions
from tests.factories import auth_headers, make_material, make_user
from tests.refunds.helpers import paid_order, refunds_url
from tests.transactions.helpers import TRANSACTIONS


@pytest.fixture
async def seller(session: AsyncSession) -> User:
    return await make_user(session, company_name="Mill Ltd")


@pytest.fixture
async def buyer(session: AsyncSession) -> User:
    return await make_user(session, role="brand", company_name="Brand Co")


@pytest.fixture
async def material(session: AsyncSession, seller: User) -> Material:
    return await make_material(session, seller, quantity=Decimal("100"))


async def told(client: AsyncClient, user: User) -> set[tuple[str, str, str | None]]:
    """(kind, title, link) of the user's notifications (the tests share one database
    transaction, so they share one timestamp: their order is not asserted)."""
    response = await client.get("/api/notifications?limit=100", headers=auth_headers(user))
    assert response.status_code == 200, response.text
    rows = response.json()["notifications"]
    return {(n["kind"], n["title"], n["link"]) for n in rows}


async def post(client: AsyncClient, user: User, url: str, body: dict[str, Any]) -> Any:
    response = await client.post(url, json=body, headers=auth_headers(user))
    assert response.status_code in (200, 201), response.text
    return response.json()


async def make_offer(client: AsyncClient, buyer: User, material: Material) -> Any:
    body = {
        "material_id": str(material.id),
        "quantity": "10",
        "unit_price": "3.00",
        "currency": material.currency,
    }
    return await post(client, buyer, "/api/offers", body)


class TestOffers:
    async def test_each_round_notifies_the_other_party_once(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        offer = await make_offer(client, buyer, material)
        link = f"/offers/{offer['offer_id']}"
        assert await told(client, seller) == {("offer_received", "New offer from Brand Co", link)}
        await post(
            client,
            seller,
            f"{link.replace('/offers', '/api/offers')}/counter",
            {"quantity": "10", "unit_price": "3.50"},
        )
        assert await told(client, buyer) == {
            ("offer_countered", "Counter-offer from Mill Ltd", link)
        }
        await post(client, buyer, f"/api/offers/{offer['offer_id']}/accept", {})
        assert await told(client, seller) == {
            ("offer_received", "New offer from Brand Co", link),
            ("offer_accepted", "Brand Co accepted your offer", link),
        }

    async def test_a_decline_is_a_plain_message(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        offer = await make_offer(client, buyer, material)
        await post(client, seller, f"/api/offers/{offer['offer_id']}/decline", {})
        assert await told(client, buyer) == {
            ("message_received", "New message from Mill Ltd", f"/messages/{seller.id}")
        }


class TestRefunds:
    async def test_the_buyer_hears_of_the_sellers_refund(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 10)
        before = await told(client, seller)
        await post(client, seller, refunds_url(transaction_id), {"amount": 5, "reason": "Short"})
        link = f"/transactions/{transaction_id}"
        assert ("refund_issued", "Refund of 5.00 EUR", link) in await told(client, buyer)
        # The seller asked for it: they are not told of their own refund.
        assert await told(client, seller) == before


class TestDisputes:
    async def test_opened_messaged_and_card_dispute_closed(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 10)
        link = f"/transactions/{transaction_id}"
        await post(client, seller, f"{TRANSACTIONS}/{transaction_id}/status", {"status": "shipped"})
        dispute = await post(
            client,
            buyer,
            f"{TRANSACTIONS}/{transaction_id}/disputes",
            {"reason": "not_as_described", "details": "The colour is wrong."},
        )
        opened = ("dispute_opened", "Brand Co reported a problem: not as described", link)
        assert opened in await told(client, seller)
        await post(
            client,
            seller,
            f"/api/disputes/{dispute['dispute_id']}/messages",
            {"content": "Photos?"},
        )
        message = ("message_received", "New message in the dispute from Mill Ltd", link)
        assert message in await told(client, buyer)
        transaction = await transactions.lock_by_id(session, uuid.UUID(dispute["transaction_id"]))
        assert transaction is not None
        await disputes.open_card_dispute(session, transaction, "dp_1", "fraudulent")
        card = ("dispute_opened", "The buyer's card issuer disputes a payment", link)
        assert card in await told(client, seller)
        await disputes.close_card_dispute(session, transaction, "dp_1", won=True)
        assert ("dispute_resolved", "Card dispute won", link) in await told(client, seller)
