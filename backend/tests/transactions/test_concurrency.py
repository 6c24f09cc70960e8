"""Races against real PostgreSQL: every request commits on its own connection."""

import asyncio
import contextlib
from decimal import Decimal

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.materials import stock as stock_turns
from fabricloop.materials.errors import ListingBusy
from fabricloop.materials.models import Material
from fabricloop.transactions import service
from fabricloop.transactions.models import Transaction
from fabricloop.transactions.schemas import ShippingAddress, TransactionCreate
from tests.factories import address, auth_headers, make_transaction
from tests.transactions.helpers import (
    TRANSACTIONS,
    assert_one_won,
    order,
    setup,
    stock,
)

ADDRESS = address()

pytestmark = pytest.mark.concurrency


async def test_twenty_buyers_race_for_the_last_unit(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, buyers = await setup(committed, 20, Decimal("1"))
    responses = await asyncio.gather(
        *(
            committed_client.post(
                TRANSACTIONS, json=order(material.id, 1), headers=auth_headers(buyer)
            )
            for buyer in buyers
        )
    )
    assert_one_won(responses)
    assert await stock(committed, material) == (Decimal("0"), "sold_out")
    async with committed() as session:
        count = len((await session.execute(select(Transaction.id))).all())
    assert count == 1


async def test_concurrent_buyers_never_oversell(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, buyers = await setup(committed, 24, Decimal("10"))
    responses = await asyncio.gather(
        *(
            committed_client.post(
                TRANSACTIONS, json=order(material.id, 1 + i % 3), headers=auth_headers(buyer)
            )
            for i, buyer in enumerate(buyers)
        )
    )
    async with committed() as session:
        sold = sum(
            (await session.execute(select(Transaction.quantity))).scalars().all(), Decimal(0)
        )
    quantity, status = await stock(committed, material)
    assert quantity >= 0
    assert quantity + sold == Decimal("10")
    assert sum(r.status_code == 201 for r in responses) >= 4
    assert {r.status_code for r in responses} <= {201, 409}
    assert (status == "sold_out") == (quantity == 0)


async def test_two_concurrent_shipments(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, (buyer,) = await setup(committed, 1, Decimal("5"))
    async with committed() as session:
        seller = await session.get(User, material.seller_id)
        transaction = await make_transaction(session, material, buyer, status="paid")
        await session.commit()
    assert seller is not None
    url = f"{TRANSACTIONS}/{transaction.id}/status"
    responses = await asyncio.gather(
        *(
            committed_client.post(
                url,
                json={"status": "shipped", "tracking_number": f"TRACK{i}"},
                headers=auth_headers(seller),
            )
            for i in range(2)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    async with committed() as session:
        stored = await session.get(Transaction, transaction.id)
        assert stored is not None
        assert [h["status"] for h in stored.status_history] == ["pending", "paid", "shipped"]


async def test_cancel_races_release_stock_once(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, (buyer,) = await setup(committed, 1, Decimal("4"))
    created = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 4), headers=auth_headers(buyer)
    )
    assert created.status_code == 201
    url = f"{TRANSACTIONS}/{created.json()['transaction_id']}/status"
    async with committed() as session:
        seller = await session.get(User, material.seller_id)
    assert seller is not None
    responses = await asyncio.gather(
        *(
            committed_client.post(url, json={"status": "cancelled"}, headers=auth_headers(who))
            for who in (buyer, seller, buyer, seller)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert await stock(committed, material) == (Decimal("4"), "active")


async def test_a_reservation_that_waits_too_long_is_503_not_500(
    app: FastAPI, committed: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    material, (buyer,) = await setup(committed, 1, Decimal("5"))
    data = TransactionCreate(
        material_id=material.id, quantity=Decimal(1), shipping_address=ShippingAddress(**ADDRESS)
    )
    async with app.state.engine.connect() as holder, app.state.engine.connect() as waiter:
        # Another purchase holds the listing's row (its UPDATE's lock: FOR NO KEY UPDATE).
        await holder.execute(
            select(Material.id).where(Material.id == material.id).with_for_update(key_share=True)
        )
        await waiter.execute(text("SET lock_timeout = '100ms'"))
        session = AsyncSession(bind=waiter)
        with pytest.raises(ListingBusy) as caught:
            await service.create_transaction(session, settings, app.state.cache, buyer, data)
        assert caught.value.status == 503
        assert caught.value.headers == {"Retry-After": "1"}
        await session.close()
        await holder.rollback()
    assert await stock(committed, material) == (Decimal("5"), "active")
    async with committed() as check:  # the statement failed whole: no order either
        assert (
            await check.scalar(select(Transaction.id).where(Transaction.buyer_id == buyer.id))
            is None
        )


async def test_a_turn_at_a_busy_listing_that_waits_too_long_is_503(
    app: FastAPI, committed: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """This process's buyers of one listing take turns; a turn that doesn't come within the
    statement timeout is a 503 with Retry-After, and nothing is taken or recorded."""
    material, (buyer,) = await setup(committed, 1, Decimal("5"))
    data = TransactionCreate(
        material_id=material.id, quantity=Decimal(1), shipping_address=ShippingAddress(**ADDRESS)
    )
    hurried = settings.model_copy(update={"db_statement_timeout_ms": 100})
    # Other buyers' turns, as many as are let through at once, not ending.
    async with contextlib.AsyncExitStack() as turns, committed() as session:
        for _ in range(stock_turns.BUYERS_AT_THE_ROW):
            await turns.enter_async_context(stock_turns.in_turn(material.id, 5))
        with pytest.raises(ListingBusy) as caught:
            await service.create_transaction(session, hurried, app.state.cache, buyer, data)
    assert caught.value.headers == {"Retry-After": "1"}
    assert await stock(committed, material) == (Decimal("5"), "active")
    async with committed() as check:
        assert (
            await check.scalar(select(Transaction.id).where(Transaction.buyer_id == buyer.id))
            is None
        )
