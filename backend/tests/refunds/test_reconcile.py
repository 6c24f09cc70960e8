"""The ledger check over every order, and `fabricloop reconcile`."""

from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.ledger import service as ledger
from fabricloop.ledger.service import Balance
from fabricloop.transactions.models import Transaction
from tests.factories import auth_headers, make_material, make_transaction
from tests.refunds.helpers import paid_order, refunds_url


async def test_consistent_orders_pass(
    client: AsyncClient, session: AsyncSession, seller: User, buyer: User
) -> None:
    material = await make_material(session, seller, quantity=Decimal("50"))
    refunded = await paid_order(client, buyer, material, 5)
    await paid_order(client, buyer, material, 3)
    await make_transaction(session, material, buyer)  # pending: no money, not checked
    response = await client.post(
        refunds_url(refunded), json={"amount": 10, "reason": "x"}, headers=auth_headers(seller)
    )
    assert response.status_code == 201
    checked, found = await ledger.reconcile(session)
    assert (checked, found) == (2, [])


async def test_reports_an_order_that_breaks_it(
    client: AsyncClient, session: AsyncSession, seller: User, buyer: User
) -> None:
    material = await make_material(session, seller, quantity=Decimal("50"))
    good = await paid_order(client, buyer, material, 5)
    bad = await paid_order(client, buyer, material, 2)
    # A refund recorded on the order but never in the ledger (or the other way round).
    await session.execute(
        update(Transaction).where(Transaction.id == bad).values(refunded_amount=Decimal("3.00"))
    )
    checked, found = await ledger.reconcile(session)
    assert checked == 2
    assert [d.transaction_id for d in found] == [bad]
    assert any("charges - refunds" in problem for problem in found[0].problems)
    assert good not in [d.transaction_id for d in found]


async def test_an_order_with_entries_but_no_fee_is_checked(
    session: AsyncSession, seller: User, buyer: User
) -> None:
    """Money recorded against an order never settled: checked (and wrong), though the order
    alone looks untouched."""
    material = await make_material(session, seller, quantity=Decimal("50"))
    order = await make_transaction(session, material, buyer)
    await ledger.record(session, order, ("charge", Decimal("4.35"), "pi_stray"))
    checked, found = await ledger.reconcile(session)
    assert checked == 1
    assert [d.transaction_id for d in found] == [order.id]


async def test_every_order_is_checked_once_across_batches(
    client: AsyncClient,
    session: AsyncSession,
    seller: User,
    buyer: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ledger, "RECONCILE_BATCH", 2)
    material = await make_material(session, seller, quantity=Decimal("50"))
    orders = [await paid_order(client, buyer, material, 1) for _ in range(5)]
    for _ in range(3):
        await make_transaction(session, material, buyer)  # pending: not checked
    bad = sorted(orders)[2]
    await session.execute(
        update(Transaction).where(Transaction.id == bad).values(refunded_amount=Decimal("1.00"))
    )
    checked, found = await ledger.reconcile(session)
    assert checked == 5
    assert [d.transaction_id for d in found] == [bad]


class TestProblems:
    """Each term of the equation checked against the order."""

    def order(self, **values: object) -> Transaction:
        base: dict[str, object] = {
            "total": Decimal("100.00"),
            "platform_fee": Decimal("5.00"),
            "refunded_amount": Decimal(0),
            "payout_status": "held",
        }
        base.update(values)
        return Transaction(**base)

    def test_held(self) -> None:
        sums = Balance(charges=Decimal(100), fees=Decimal(5))
        assert ledger.problems(self.order(), sums) == []
        assert sums.held == Decimal(95)

    def test_paid_out(self) -> None:
        sums = Balance(charges=Decimal(100), fees=Decimal(5), transfers=Decimal(95))
        assert ledger.problems(self.order(payout_status="paid"), sums) == []
        assert ledger.problems(self.order(payout_status="held"), sums) != []

    def test_reversed_after_full_refund(self) -> None:
        sums = Balance(
            charges=Decimal(100),
            refunds=Decimal(100),
            fees=Decimal(0),
            transfers=Decimal(95),
            reversals=Decimal(95),
        )
        order = self.order(
            payout_status="reversed", platform_fee=Decimal(0), refunded_amount=Decimal(100)
        )
        assert ledger.problems(order, sums) == []

    def test_wrong_fee(self) -> None:
        sums = Balance(charges=Decimal(100), fees=Decimal(4))
        assert any("fees" in p for p in ledger.problems(self.order(), sums))

    def test_negative_held(self) -> None:
        sums = Balance(charges=Decimal(100), fees=Decimal(5), transfers=Decimal(96))
        assert any("negative" in p for p in ledger.problems(self.order(payout_status="paid"), sums))

    def test_charged_for_a_cancelled_order_and_given_back(self) -> None:
        sums = Balance(charges=Decimal(100), refunds=Decimal(100))
        order = self.order(platform_fee=None, payout_status="none", status="cancelled")
        assert ledger.problems(order, sums) == []
        assert ledger.problems(order, Balance(charges=Decimal(100))) != []

    def test_fee_half_up(self) -> None:
        assert ledger.platform_fee(Decimal("85.00"), Decimal(5)) == Decimal("4.25")
        assert ledger.platform_fee(Decimal("0.10"), Decimal(5)) == Decimal("0.01")
        assert ledger.platform_fee(Decimal("0.09"), Decimal(5)) == Decimal("0.00")
        assert ledger.platform_fee(Decimal("33.33"), Decimal("2.5")) == Decimal("0.83")
