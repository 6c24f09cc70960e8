"""The contract, "Money": transaction money fields, payouts, refunds, disputes, invoices."""

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from tests.contract.helpers import assert_error_response, assert_timestamp, is_uuid
from tests.factories import (
    auth_headers,
    make_admin,
    open_dispute,
    shipped_order,
)
from tests.refunds.helpers import paid_order

pytestmark = pytest.mark.usefixtures("session")


async def test_payout_account_and_list(client: AsyncClient, seller: User, buyer: User) -> None:
    brand_h = auth_headers(buyer)
    seller_h = auth_headers(seller)
    for method, path in (
        ("post", "/api/payouts/account"),
        ("post", "/api/payouts/account/sandbox/complete"),
        ("get", "/api/payouts/account"),
        ("get", "/api/payouts"),
    ):
        response = await client.request(method, path, headers=brand_h)
        assert_error_response(response, 403, "forbidden")
    before = await client.get("/api/payouts/account", headers=seller_h)
    assert before.status_code == 200, before.text
    assert before.json()["status"] == "not_started"
    assert before.json()["payouts_enabled"] is False
    no_account = await client.post("/api/payouts/account/sandbox/complete", headers=seller_h)
    assert_error_response(no_account, 404, "not_found")
    started = await client.post("/api/payouts/account", headers=seller_h)
    assert started.status_code == 201, started.text
    assert started.json()["status"] == "pending"
    assert started.json()["onboarding_url"]
    done = await client.post("/api/payouts/account/sandbox/complete", headers=seller_h)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "enabled"
    assert done.json()["payouts_enabled"] is True
    again = await client.post("/api/payouts/account", headers=seller_h)
    assert again.status_code == 409, again.text
    listed = await client.get("/api/payouts", headers=seller_h)
    assert listed.status_code == 200, listed.text
    assert {"payouts", "balances", "total", "page", "limit"} <= set(listed.json())
    assert listed.json()["limit"] == 20


async def test_transaction_money_fields_and_refunds(
    client: AsyncClient, session: AsyncSession, seller: User, buyer: User, material: Material
) -> None:
    transaction_id = await paid_order(client, buyer, material)
    seller_view = (
        await client.get(f"/api/transactions/{transaction_id}", headers=auth_headers(seller))
    ).json()
    for field in ("platform_fee", "seller_payout", "refunded_amount", "payout_status"):
        assert field in seller_view, field
    assert seller_view["refunded_amount"] == 0
    assert seller_view["payout_status"] == "held"

    url = f"/api/transactions/{transaction_id}/refunds"
    as_buyer = await client.post(url, json={"reason": "x"}, headers=auth_headers(buyer))
    assert_error_response(as_buyer, 403, "forbidden")
    unknown = await client.post(
        f"/api/transactions/{uuid.uuid4()}/refunds",
        json={"reason": "x"},
        headers=auth_headers(seller),
    )
    assert_error_response(unknown, 404, "not_found")
    too_much = await client.post(
        url, json={"reason": "x", "amount": 1_000_000}, headers=auth_headers(seller)
    )
    assert too_much.status_code == 422, too_much.text
    admin_h = auth_headers(await make_admin(session))
    partial = await client.post(url, json={"reason": "Short", "amount": 1}, headers=admin_h)
    assert partial.status_code == 201, partial.text
    body = partial.json()
    assert is_uuid(body["refund_id"])
    assert body["status"] == "succeeded"
    assert body["amount"] == 1
    assert body["transaction_id"] == str(transaction_id)
    assert body["currency"] == material.currency
    rest = await client.post(url, json={"reason": "All of it"}, headers=auth_headers(seller))
    assert rest.status_code == 201, rest.text
    after = (
        await client.get(f"/api/transactions/{transaction_id}", headers=auth_headers(seller))
    ).json()
    assert after["status"] == "cancelled"


async def test_refund_of_unpaid_is_409(
    client: AsyncClient, seller: User, buyer: User, material: Material
) -> None:
    from tests.transactions.helpers import buy

    order = await buy(client, auth_headers(buyer), material.id, 10)
    response = await client.post(
        f"/api/transactions/{order['transaction_id']}/refunds",
        json={"reason": "x"},
        headers=auth_headers(seller),
    )
    assert response.status_code == 409, response.text
    invoice = await client.get(
        f"/api/transactions/{order['transaction_id']}/invoice.pdf", headers=auth_headers(buyer)
    )
    assert invoice.status_code == 409, invoice.text


async def test_disputes(
    client: AsyncClient, session: AsyncSession, seller: User, buyer: User, material: Material
) -> None:
    paid = await paid_order(client, buyer, material)
    not_shipped = await client.post(
        f"/api/transactions/{paid}/disputes",
        json={"reason": "other", "details": "x"},
        headers=auth_headers(buyer),
    )
    assert not_shipped.status_code == 409, not_shipped.text
    transaction_id = await shipped_order(client, buyer, seller, material)
    as_seller = await client.post(
        f"/api/transactions/{transaction_id}/disputes",
        json={"reason": "other", "details": "x"},
        headers=auth_headers(seller),
    )
    assert_error_response(as_seller, 403, "forbidden")
    opened = await open_dispute(client, buyer, transaction_id)
    assert opened["status"] == "open"
    assert is_uuid(opened["dispute_id"])
    assert opened["transaction_id"] == str(transaction_id)
    assert_timestamp(opened["created_at"])
    twice = await client.post(
        f"/api/transactions/{transaction_id}/disputes",
        json={"reason": "other", "details": "x"},
        headers=auth_headers(buyer),
    )
    assert twice.status_code == 409, twice.text

    url = f"/api/disputes/{opened['dispute_id']}"
    admin_h = auth_headers(await make_admin(session))
    for headers in (auth_headers(buyer), auth_headers(seller), admin_h):
        got = await client.get(url, headers=headers)
        assert got.status_code == 200, got.text
        data = got.json()
        for field in (
            "dispute_id",
            "transaction_id",
            "reason",
            "details",
            "status",
            "outcome",
            "refunded_amount",
            "messages",
        ):
            assert field in data, field
        assert data["outcome"] is None
        posted = await client.post(f"{url}/messages", json={"content": "Hello"}, headers=headers)
        assert posted.status_code == 201, posted.text
    from tests.factories import make_user

    stranger_h = auth_headers(await make_user(session))
    assert_error_response(await client.get(url, headers=stranger_h), 404, "not_found")
    assert_error_response(
        await client.post(f"{url}/messages", json={"content": "x"}, headers=stranger_h),
        404,
        "not_found",
    )
    resolved = await client.post(
        f"/api/admin/disputes/{opened['dispute_id']}/resolve",
        json={"outcome": "release", "amount": None},  # an explicit null: as absent
        headers=admin_h,
    )
    assert resolved.status_code == 200, resolved.text
    closed = await client.post(
        f"{url}/messages", json={"content": "x"}, headers=auth_headers(buyer)
    )
    assert closed.status_code == 409, closed.text

    invoice = await client.get(
        f"/api/transactions/{transaction_id}/invoice.pdf", headers=auth_headers(buyer)
    )
    assert invoice.status_code == 200
    assert invoice.headers["content-type"] == "application/pdf"
    assert "attachment" in invoice.headers["content-disposition"]
    assert_error_response(
        await client.get(f"/api/transactions/{transaction_id}/invoice.pdf", headers=stranger_h),
        404,
        "not_found",
    )


async def test_ledger_lists_entries(
    client: AsyncClient, session: AsyncSession, buyer: User, material: Material
) -> None:
    transaction_id = await paid_order(client, buyer, material)
    admin_h = auth_headers(await make_admin(session))
    response = await client.get(
        f"/api/admin/ledger?transaction_id={transaction_id}", headers=admin_h
    )
    assert response.status_code == 200, response.text
    assert "charge" in response.text
    assert "fee" in response.text
