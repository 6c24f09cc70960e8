"""Races on lots and samples against real PostgreSQL: every request commits on its own
connection (the lot version of test_concurrency's no-oversell guarantees)."""

import asyncio
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.materials.models import Material, MaterialLot
from fabricloop.transactions.models import Transaction
from tests.factories import auth_headers, make_lots
from tests.transactions.helpers import TRANSACTIONS, assert_one_won, order, setup, stock

pytestmark = pytest.mark.concurrency


async def lots(committed: async_sessionmaker[AsyncSession]) -> dict[str, Decimal]:
    async with committed() as session:
        rows = await session.execute(select(MaterialLot.lot_code, MaterialLot.quantity))
        return dict(rows.all())


async def test_twenty_buyers_race_for_the_last_unit_of_a_lot(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, buyers = await setup(committed, 20, Decimal("1"))
    async with committed() as session:
        await make_lots(session, material, ("LAST", Decimal("1")), ("OTHER", Decimal("5")))
        await session.commit()
    responses = await asyncio.gather(
        *(
            committed_client.post(
                TRANSACTIONS,
                json=order(material.id, 1, lot_code="LAST"),
                headers=auth_headers(buyer),
            )
            for buyer in buyers
        )
    )
    assert_one_won(responses)
    assert await lots(committed) == {"LAST": Decimal("0"), "OTHER": Decimal("5")}
    assert await stock(committed, material) == (Decimal("5"), "active")
    async with committed() as session:
        sold = (await session.execute(select(Transaction.lot_code))).scalars().all()
    assert sold == ["LAST"]


async def test_buyers_of_two_lots_never_oversell_either(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, buyers = await setup(committed, 24, Decimal("1"))
    async with committed() as session:
        await make_lots(session, material, ("A", Decimal("7")), ("B", Decimal("5")))
        await session.commit()
    responses = await asyncio.gather(
        *(
            committed_client.post(
                TRANSACTIONS,
                json=order(material.id, 1 + i % 2, lot_code="AB"[i % 2]),
                headers=auth_headers(buyer),
            )
            for i, buyer in enumerate(buyers)
        )
    )
    assert {r.status_code for r in responses} <= {201, 409}
    async with committed() as session:
        rows = (await session.execute(select(Transaction.lot_code, Transaction.quantity))).all()
    held = {code: sum((q for c, q in rows if c == code), Decimal(0)) for code in "AB"}
    left = await lots(committed)
    assert left["A"] >= 0
    assert left["B"] >= 0
    assert (left["A"] + held["A"], left["B"] + held["B"]) == (Decimal("7"), Decimal("5"))
    quantity, status = await stock(committed, material)
    assert quantity == left["A"] + left["B"]
    assert (status == "sold_out") == (quantity == 0)


async def test_two_sample_orders_at_once_one_wins(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, (buyer,) = await setup(committed, 1, Decimal("3"))
    async with committed() as session:
        await session.execute(
            update(Material)
            .where(Material.id == material.id)
            .values(sample_available=True, sample_price=Decimal("5"))
        )
        await session.commit()
    body = {**order(material.id, 1), "kind": "sample"}
    responses = await asyncio.gather(
        *(committed_client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer)) for _ in "ab")
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert await stock(committed, material) == (Decimal("3"), "active")
