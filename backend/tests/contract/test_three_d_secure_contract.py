"""The contract, "Money": 3-D Secure in the sandbox, answered 202 then settled by the bank page."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import create_material, create_transaction, make_party, pay

pytestmark = pytest.mark.usefixtures("session")


async def test_requires_action_then_approve(client: AsyncClient, session: AsyncSession) -> None:
    _, seller_h = await make_party(session)
    _, buyer_h = await make_party(session, role="brand")
    material_id = (await create_material(client, seller_h))["material_id"]
    order = await create_transaction(client, buyer_h, material_id)
    started = await pay(client, buyer_h, order["transaction_id"], "pm_card_authenticationRequired")
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["status"] == "requires_action"
    for field in ("payment_id", "client_secret", "next_action_url"):
        assert body[field], field
    approved = await client.post(
        f"/api/payments/{body['payment_id']}/sandbox/authenticate",
        json={"outcome": "approve"},
        headers=buyer_h,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "succeeded"
    detail = await client.get(f"/api/transactions/{order['transaction_id']}", headers=buyer_h)
    assert detail.json()["status"] == "paid"
