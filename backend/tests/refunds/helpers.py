"""Paid orders made through the API, and the money they carry."""

import uuid
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.ledger import service as ledger
from fabricloop.materials.models import Material
from tests.factories import auth_headers
from tests.transactions.helpers import TRANSACTIONS, buy


async def paid_order(
    client: AsyncClient, buyer: User, material: Material, quantity: Any = 10
) -> uuid.UUID:
    order = await buy(client, auth_headers(buyer), material.id, quantity)
    response = await client.post(
        "/api/payments",
        json={"transaction_id": order["transaction_id"], "payment_method": "pm_card_visa"},
        headers=auth_headers(buyer),
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(order["transaction_id"])


def refunds_url(transaction_id: uuid.UUID | str) -> str:
    return f"{TRANSACTIONS}/{transaction_id}/refunds"


async def detail(client: AsyncClient, user: User, transaction_id: uuid.UUID) -> dict[str, Any]:
    response = await client.get(f"{TRANSACTIONS}/{transaction_id}", headers=auth_headers(user))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def assert_ledger_balances(session: AsyncSession, transaction_id: uuid.UUID) -> None:
    from fabricloop.transactions.models import Transaction

    transaction = await session.get(Transaction, transaction_id, populate_existing=True)
    assert transaction is not None
    sums = await ledger.balance(session, transaction_id)
    assert ledger.problems(transaction, sums) == []


def money(value: str) -> Decimal:
    return Decimal(value)
