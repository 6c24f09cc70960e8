"""Refund races against real PostgreSQL: every request commits on its own connection."""

import asyncio
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.ledger import service as ledger
from fabricloop.refunds.models import Refund
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_user
from tests.refunds.helpers import paid_order, refunds_url

pytestmark = pytest.mark.concurrency


@pytest.mark.parametrize("amount", [None, 85.0], ids=["default_rest", "explicit_rest"])
async def test_two_refunds_of_what_is_left_one_succeeds(
    committed_client: AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    amount: float | None,
) -> None:
    async with committed() as session:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller, quantity=Decimal("20"))
        await session.commit()
    transaction_id = await paid_order(committed_client, buyer, material, 10)
    body: dict[str, object] = {"reason": "Cancelled by phone"}
    if amount is not None:
        body["amount"] = amount
    responses = await asyncio.gather(
        *(
            committed_client.post(
                refunds_url(transaction_id), json=body, headers=auth_headers(seller)
            )
            for _ in range(2)
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 422]
    loser = next(r for r in responses if r.status_code == 422)
    assert_error(loser.json(), "refund_exceeds_remaining")
    async with committed() as session:
        refunds = list((await session.execute(select(Refund))).scalars())
        assert [r.amount for r in refunds] == [Decimal("85.00")]
        transaction = await session.get(Transaction, transaction_id)
        assert transaction is not None
        assert (transaction.refunded_amount, transaction.status) == (Decimal("85.00"), "cancelled")
        assert ledger.problems(transaction, await ledger.balance(session, transaction_id)) == []
