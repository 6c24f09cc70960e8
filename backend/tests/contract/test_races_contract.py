"""the contract's atomicity promises from the outside, with real commits: two buyers never together
take more than the listed quantity; one transaction is never paid twice."""

import asyncio
import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.contract.helpers import create_material, create_transaction, pay, shipping_address
from tests.factories import auth_headers, make_user

pytestmark = pytest.mark.concurrency


async def parties(
    committed: async_sessionmaker[AsyncSession], buyers: int
) -> tuple[dict[str, str], list[dict[str, str]]]:
    async with committed() as session:
        seller = await make_user(session)
        users = [await make_user(session, role="brand") for _ in range(buyers)]
        await session.commit()
    return auth_headers(seller), [auth_headers(u) for u in users]


async def test_two_buyers_never_oversell(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    seller, buyers = await parties(committed, 2)
    material = await create_material(
        committed_client, seller, quantity=10, unit="kg", kg_per_unit=None, min_order_quantity=1
    )
    body = {
        "material_id": material["material_id"],
        "quantity": 6,
        "shipping_address": shipping_address(),
    }
    responses = await asyncio.gather(
        *(committed_client.post("/api/transactions", json=body, headers=h) for h in buyers)
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["error"]["code"] == "insufficient_quantity"
    detail = (await committed_client.get(f"/api/materials/{material['material_id']}")).json()
    assert detail["quantity"] == 4


async def test_double_payment_charges_once(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    seller, (buyer,) = await parties(committed, 1)
    material = await create_material(committed_client, seller)
    tx = await create_transaction(committed_client, buyer, material["material_id"])
    key = f"race-{uuid.uuid4()}"
    same_key = await asyncio.gather(
        *(pay(committed_client, buyer, tx["transaction_id"], key=key) for _ in range(2))
    )
    assert {r.status_code for r in same_key} <= {201, 409}
    assert 201 in {r.status_code for r in same_key}
    ids = {r.json()["payment_id"] for r in same_key if r.status_code == 201}
    assert len(ids) == 1
    other_keys = await asyncio.gather(
        *(pay(committed_client, buyer, tx["transaction_id"]) for _ in range(2))
    )
    assert {r.status_code for r in other_keys} == {409}
    detail = await committed_client.get(f"/api/transactions/{tx['transaction_id']}", headers=buyer)
    assert detail.json()["status"] == "paid"


async def test_concurrent_first_payments_one_succeeds(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    seller, (buyer,) = await parties(committed, 1)
    material = await create_material(committed_client, seller)
    tx = await create_transaction(committed_client, buyer, material["material_id"])
    responses = await asyncio.gather(
        *(pay(committed_client, buyer, tx["transaction_id"]) for _ in range(3))
    )
    assert sorted(r.status_code for r in responses).count(201) == 1
    assert all(r.status_code in (201, 409) for r in responses)
