"""3-D Secure in the sandbox: the 202 names the challenge page, and the buyer's answer
completes the payment (the order paid) or declines it (the order stays pending)."""

import uuid
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from fabricloop.refunds.models import Refund
from tests.factories import auth_headers, make_user
from tests.payments.helpers import gateway_swapped
from tests.refunds.helpers import assert_ledger_balances, detail
from tests.transactions.helpers import buy


async def challenged(client: AsyncClient, buyer: User, material: Material) -> dict[str, Any]:
    order = await buy(client, auth_headers(buyer), material.id, 2)
    response = await client.post(
        "/api/payments",
        json={
            "transaction_id": order["transaction_id"],
            "payment_method": "pm_card_authenticationRequired",
        },
        headers=auth_headers(buyer),
    )
    assert response.status_code == 202
    body: dict[str, Any] = response.json()
    assert body["status"] == "requires_action"
    assert body["next_action_url"] == f"http://testserver/sandbox/3ds/{body['payment_id']}"
    assert body["client_secret"]
    return body


def answer_url(payment_id: str) -> str:
    return f"/api/payments/{payment_id}/sandbox/authenticate"


async def test_approve_pays_the_order(
    client: AsyncClient, session: AsyncSession, buyer: User, seller: User, material: Material
) -> None:
    pending = await challenged(client, buyer, material)
    response = await client.post(
        answer_url(pending["payment_id"]), json={"outcome": "approve"}, headers=auth_headers(buyer)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"
    transaction_id = uuid.UUID(pending["transaction_id"])
    data = await detail(client, seller, transaction_id)
    assert (data["status"], data["payout_status"]) == ("paid", "held")
    await assert_ledger_balances(session, transaction_id)
    again = await client.post(
        answer_url(pending["payment_id"]), json={"outcome": "fail"}, headers=auth_headers(buyer)
    )
    assert again.json()["status"] == "succeeded"  # answered once


async def test_fail_declines_and_the_order_stays_pending(
    client: AsyncClient, buyer: User, material: Material
) -> None:
    pending = await challenged(client, buyer, material)
    response = await client.post(
        answer_url(pending["payment_id"]), json={"outcome": "fail"}, headers=auth_headers(buyer)
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decline_code"]) == (
        "failed",
        "authentication_failed",
    )
    assert (await detail(client, buyer, uuid.UUID(pending["transaction_id"])))[
        "status"
    ] == "pending"


async def test_approved_after_cancellation_is_refunded(
    client: AsyncClient, session: AsyncSession, buyer: User, material: Material
) -> None:
    pending = await challenged(client, buyer, material)
    transaction_id = uuid.UUID(pending["transaction_id"])
    # Cancelled while the challenge page was open (its intent was cancelled too).
    cancel = await client.post(
        f"/api/transactions/{transaction_id}/status",
        json={"status": "cancelled"},
        headers=auth_headers(buyer),
    )
    assert cancel.status_code == 200
    response = await client.post(
        answer_url(pending["payment_id"]), json={"outcome": "approve"}, headers=auth_headers(buyer)
    )
    assert response.status_code == 200
    # The cancellation cancelled the intent too: the late approval charges nothing.
    assert (response.json()["status"], response.json()["decline_code"]) == (
        "failed",
        "payment_intent_canceled",
    )
    refunds = await session.execute(select(Refund).where(Refund.transaction_id == transaction_id))
    assert refunds.scalars().all() == []
    assert (await detail(client, buyer, transaction_id))["status"] == "cancelled"


async def test_others_bad_input_and_stripe(
    app: FastAPI,
    client: AsyncClient,
    session: AsyncSession,
    buyer: User,
    seller: User,
    material: Material,
) -> None:
    pending = await challenged(client, buyer, material)
    url = answer_url(pending["payment_id"])
    for user in (seller, await make_user(session, role="brand")):
        response = await client.post(url, json={"outcome": "approve"}, headers=auth_headers(user))
        assert response.status_code == 404
    assert (
        await client.post(
            answer_url(str(uuid.uuid4())), json={"outcome": "approve"}, headers=auth_headers(buyer)
        )
    ).status_code == 404
    for bad in ({}, {"outcome": "maybe"}, {"outcome": "approve", "x": 1}, {"outcome": 1}):
        assert (await client.post(url, json=bad, headers=auth_headers(buyer))).status_code == 422
    assert (await client.post(url, json={"outcome": "approve"})).status_code == 401
    from fabricloop.payments.stripe_gateway import StripeGateway

    with gateway_swapped(app, StripeGateway("sk_test_unused")):
        response = await client.post(url, json={"outcome": "approve"}, headers=auth_headers(buyer))
    assert response.status_code == 404
    assert (await detail(client, buyer, uuid.UUID(pending["transaction_id"])))[
        "status"
    ] == "pending"
