"""Disputes by the buyer: opening one (window, one open at a time), the payout held while it
is open, reading it and writing in its thread."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.disputes.models import Dispute
from fabricloop.materials.models import Material
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import (
    DISPUTE_BODY,
    auth_headers,
    make_transaction,
    make_user,
    open_dispute,
    shipped_order,
)
from tests.refunds.helpers import detail
from tests.transactions.helpers import TRANSACTIONS


def disputes_url(transaction_id: uuid.UUID | str) -> str:
    return f"{TRANSACTIONS}/{transaction_id}/disputes"


BODY = DISPUTE_BODY


async def change(client: AsyncClient, user: User, transaction_id: uuid.UUID, to: str) -> int:
    response = await client.post(
        f"{TRANSACTIONS}/{transaction_id}/status", json={"status": to}, headers=auth_headers(user)
    )
    return response.status_code


shipped = shipped_order


class TestOpenDispute:
    @pytest.mark.usefixtures("session")
    async def test_opens_and_holds_the_payout(
        self,
        client: AsyncClient,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        await client.post("/api/payouts/account", headers=auth_headers(seller))
        await client.post("/api/payouts/account/sandbox/complete", headers=auth_headers(seller))
        transaction_id = await shipped(client, buyer, seller, material)
        body = await open_dispute(client, buyer, transaction_id)
        assert body["status"] == "open"
        assert body["transaction_id"] == str(transaction_id)
        uuid.UUID(body["dispute_id"])
        # The buyer confirms receipt anyway: the order completes, the payout stays held.
        assert await change(client, buyer, transaction_id, "completed") == 200
        data = await detail(client, seller, transaction_id)
        assert (data["status"], data["payout_status"]) == ("completed", "held")

    async def test_a_completed_order_can_be_disputed(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        assert await change(client, buyer, transaction_id, "completed") == 200
        await open_dispute(client, buyer, transaction_id)

    async def test_second_open_dispute_is_409(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        await open_dispute(client, buyer, transaction_id)
        again = await client.post(
            disputes_url(transaction_id), json=BODY, headers=auth_headers(buyer)
        )
        assert again.status_code == 409
        assert_error(again.json(), "dispute_already_open")

    @pytest.mark.parametrize("status", ["pending", "paid", "cancelled"])
    async def test_not_shipped_is_409(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        status: str,
    ) -> None:
        transaction = await make_transaction(session, material, buyer, status=status)
        response = await client.post(
            disputes_url(transaction.id), json=BODY, headers=auth_headers(buyer)
        )
        assert response.status_code == 409
        assert_error(response.json(), "not_disputable")

    async def test_outside_the_window_is_409(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        long_ago = (datetime.now(UTC) - timedelta(days=15)).isoformat()
        transaction = await session.get(Transaction, transaction_id, populate_existing=True)
        assert transaction is not None
        history = [
            {**entry, "at": long_ago} if entry["status"] == "shipped" else entry
            for entry in transaction.status_history
        ]
        await session.execute(
            update(Transaction)
            .where(Transaction.id == transaction_id)
            .values(status_history=history)
        )
        response = await client.post(
            disputes_url(transaction_id), json=BODY, headers=auth_headers(buyer)
        )
        assert response.status_code == 409
        assert_error(response.json(), "not_disputable")

    async def test_seller_403_others_404(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        as_seller = await client.post(
            disputes_url(transaction_id), json=BODY, headers=auth_headers(seller)
        )
        assert as_seller.status_code == 403
        stranger = await make_user(session, role="brand")
        for url in (disputes_url(transaction_id), disputes_url(uuid.uuid4())):
            response = await client.post(url, json=BODY, headers=auth_headers(stranger))
            assert response.status_code == 404
        assert (await client.post(disputes_url(transaction_id), json=BODY)).status_code == 401
        rows = (await session.execute(select(Dispute))).scalars().all()
        assert rows == []

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"reason": "late", "details": "x"},
            {"reason": "damaged"},
            {"reason": "damaged", "details": ""},
            {"reason": "damaged", "details": "x" * 5001},
            {"reason": "damaged", "details": "nul\x00"},
            {"reason": "damaged", "details": "x", "status": "resolved"},
            {"reason": 1, "details": "x"},
        ],
    )
    async def test_bad_body_is_422(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
        body: dict[str, Any],
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        response = await client.post(
            disputes_url(transaction_id), json=body, headers=auth_headers(buyer)
        )
        assert response.status_code == 422
        assert (await session.execute(select(Dispute))).scalars().all() == []


class TestThread:
    @pytest.mark.usefixtures("session")
    async def test_both_parties_write_and_read(
        self,
        client: AsyncClient,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        dispute_id = (await open_dispute(client, buyer, transaction_id))["dispute_id"]
        url = f"/api/disputes/{dispute_id}/messages"
        first = await client.post(
            url, json={"content": "Photos attached 📷"}, headers=auth_headers(buyer)
        )
        assert first.status_code == 201
        assert first.json()["author_role"] == "buyer"
        reply = await client.post(
            url, json={"content": "'; DROP TABLE disputes; --"}, headers=auth_headers(seller)
        )
        assert reply.status_code == 201
        for user in (buyer, seller):
            got = await client.get(f"/api/disputes/{dispute_id}", headers=auth_headers(user))
            assert got.status_code == 200
            body = got.json()
            assert (body["reason"], body["status"], body["outcome"]) == ("damaged", "open", None)
            assert body["refunded_amount"] == 0
            assert [m["author_role"] for m in body["messages"]] == ["buyer", "seller"]
            assert body["messages"][1]["content"] == "'; DROP TABLE disputes; --"

    async def test_others_404_resolved_409_bad_422(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        dispute_id = (await open_dispute(client, buyer, transaction_id))["dispute_id"]
        stranger = await make_user(session)
        url = f"/api/disputes/{dispute_id}"
        assert (await client.get(url, headers=auth_headers(stranger))).status_code == 404
        assert (
            await client.get(f"/api/disputes/{uuid.uuid4()}", headers=auth_headers(buyer))
        ).status_code == 404
        assert (
            await client.get("/api/disputes/not-a-uuid", headers=auth_headers(buyer))
        ).status_code in (404, 422)
        written = await client.post(
            f"{url}/messages", json={"content": "hi"}, headers=auth_headers(stranger)
        )
        assert written.status_code == 404
        for bad in ({}, {"content": ""}, {"content": "x" * 5001}, {"content": "a", "x": 1}):
            response = await client.post(f"{url}/messages", json=bad, headers=auth_headers(buyer))
            assert response.status_code == 422
        await session.execute(
            update(Dispute).where(Dispute.id == uuid.UUID(dispute_id)).values(status="resolved")
        )
        closed = await client.post(
            f"{url}/messages", json={"content": "still there?"}, headers=auth_headers(buyer)
        )
        assert closed.status_code == 409
        assert_error(closed.json(), "dispute_resolved")


class TestListDisputes:
    @pytest.mark.usefixtures("session")
    async def test_both_parties_see_the_order_disputes(
        self,
        client: AsyncClient,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        for user in (buyer, seller):
            response = await client.get(disputes_url(transaction_id), headers=auth_headers(user))
            assert response.status_code == 200
            assert response.json() == {"disputes": []}
        opened = await open_dispute(client, buyer, transaction_id)
        for user in (buyer, seller):
            response = await client.get(disputes_url(transaction_id), headers=auth_headers(user))
            assert response.status_code == 200
            [dispute] = response.json()["disputes"]
            assert dispute["dispute_id"] == opened["dispute_id"]
            assert (dispute["source"], dispute["reason"], dispute["status"]) == (
                "buyer",
                "damaged",
                "open",
            )
            assert dispute["outcome"] is None
            assert dispute["resolved_at"] is None

    async def test_others_unknown_malformed_and_anonymous(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await shipped(client, buyer, seller, material)
        await open_dispute(client, buyer, transaction_id)
        stranger = await make_user(session, role="brand")
        for url in (disputes_url(transaction_id), disputes_url(uuid.uuid4())):
            response = await client.get(url, headers=auth_headers(stranger))
            assert response.status_code == 404
            assert_error(response.json(), "not_found")
        malformed = await client.get(disputes_url("x' OR 1=1"), headers=auth_headers(buyer))
        assert malformed.status_code in (404, 422)
        assert (await client.get(disputes_url(transaction_id))).status_code == 401
