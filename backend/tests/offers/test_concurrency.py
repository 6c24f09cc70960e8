"""Offer races against real PostgreSQL: every request commits on its own connection."""

import asyncio
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.offers.models import Offer
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers
from tests.offers.helpers import OFFERS, offer_body
from tests.transactions.helpers import setup, stock

pytestmark = pytest.mark.concurrency


async def test_two_acceptances_race_for_the_last_stock(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, buyers = await setup(committed, 2, Decimal("4"))
    async with committed() as session:
        seller = await session.get(User, material.seller_id)
    assert seller is not None
    offers = []
    for buyer in buyers:
        created = await committed_client.post(
            OFFERS,
            json=offer_body(material.id, quantity=4, unit_price=0.5),
            headers=auth_headers(buyer),
        )
        assert created.status_code == 201, created.text
        offers.append(created.json()["offer_id"])
    responses = await asyncio.gather(
        *(
            committed_client.post(f"{OFFERS}/{o}/accept", headers=auth_headers(seller))
            for o in offers
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    (lost,) = [r for r in responses if r.status_code == 409]
    assert_error(lost.json(), "insufficient_quantity")
    assert await stock(committed, material) == (Decimal("0"), "sold_out")
    async with committed() as session:
        statuses = sorted((await session.execute(select(Offer.status))).scalars().all())
        orders = (await session.execute(select(Transaction.unit_price))).scalars().all()
    assert statuses == ["accepted", "open"]  # the loser's offer stays open, nothing taken
    assert orders == [Decimal("0.50")]


async def test_one_offer_accepted_twice_at_once(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    material, (buyer,) = await setup(committed, 1, Decimal("10"))
    async with committed() as session:
        seller = await session.get(User, material.seller_id)
    assert seller is not None
    created = await committed_client.post(
        OFFERS, json=offer_body(material.id, quantity=2), headers=auth_headers(buyer)
    )
    url = f"{OFFERS}/{created.json()['offer_id']}/accept"
    responses = await asyncio.gather(
        *(committed_client.post(url, headers=auth_headers(seller)) for _ in range(2))
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert await stock(committed, material) == (Decimal("8"), "active")
