"""Shared by the transaction and payment tests."""

import uuid
from decimal import Decimal
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from tests.asserts import assert_error
from tests.factories import address, make_material, make_user

TRANSACTIONS = "/api/transactions"


def order(material_id: uuid.UUID | str, quantity: Any = 10, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "material_id": str(material_id),
        "quantity": quantity,
        "shipping_address": address(),
    }
    body.update(overrides)
    return body


async def buy(
    client: AsyncClient,
    headers: dict[str, str],
    material_id: uuid.UUID,
    quantity: Any = 10,
    **overrides: Any,
) -> dict[str, Any]:
    body = order(material_id, quantity, **overrides)
    response = await client.post(TRANSACTIONS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def setup(
    committed: async_sessionmaker[AsyncSession], buyers: int, quantity: Decimal
) -> tuple[Material, list[User]]:
    async with committed() as session:
        seller = await make_user(session)
        material = await make_material(
            session, seller, quantity=quantity, unit="piece", kg_per_unit=Decimal("0.5")
        )
        users = [await make_user(session, role="brand") for _ in range(buyers)]
        await session.commit()
    return material, users


async def stock(
    committed: async_sessionmaker[AsyncSession], material: Material
) -> tuple[Decimal, str]:
    async with committed() as session:
        row = (
            await session.execute(
                select(Material.quantity, Material.status).where(Material.id == material.id)
            )
        ).one()
        return row[0], row[1]


def assert_one_won(responses: list[Response]) -> None:
    """One order was taken; every other one was told the stock ran out."""
    assert sorted(r.status_code for r in responses) == [201] + [409] * (len(responses) - 1)
    for response in responses:
        if response.status_code == 409:
            assert_error(response.json(), "insufficient_quantity")
