"""A hypothesis state machine over purchases, payments, refunds and status changes: the stock
never goes negative, what was listed is always what is left plus what non-cancelled
transactions hold, and every order's ledger agrees with it (charges - refunds = fees +
transfers + held)."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from redis.asyncio import Redis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.errors import AppError
from fabricloop.ledger import service as ledger
from fabricloop.materials.models import Material
from fabricloop.payments import service as payments
from fabricloop.payments.errors import AlreadyPaid, NotPayable, PaymentDeclined
from fabricloop.payments.sandbox import SandboxGateway
from fabricloop.payments.schemas import PaymentCreate
from fabricloop.payouts import service as payouts
from fabricloop.payouts.errors import AccountAlreadyEnabled
from fabricloop.refunds import service as refunds
from fabricloop.refunds.errors import NotRefundable, RefundExceedsRemaining
from fabricloop.refunds.models import Refund
from fabricloop.refunds.schemas import RefundCreate
from fabricloop.transactions import service
from fabricloop.transactions.errors import InsufficientQuantity, InvalidTransition, WrongParty
from fabricloop.transactions.models import Transaction
from fabricloop.transactions.schemas import ShippingAddress, StatusUpdate, TransactionCreate
from tests.factories import make_material, make_user

T = TypeVar("T")
INITIAL = Decimal("12")
CENT = Decimal("0.01")
ADDRESS = ShippingAddress(
    recipient_name="Dock", line1="1 Mill Street", city="Porto", postal_code="4000", country="PT"
)


class Harness:
    """A private event loop and engine: hypothesis drives the machine synchronously."""

    def __init__(self, database_url: str, app_settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.engine: AsyncEngine = create_async_engine(database_url, poolclass=NullPool)
        self.settings = app_settings
        # Never contacted: after-commit invalidations are not run inside the machine.
        self.cache = Cache(Redis(host="127.0.0.1", port=1))
        self.gateway = SandboxGateway()

    def run(self, coroutine: Awaitable[T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        self.run(self.engine.dispose())
        self.loop.close()


HARNESS: Harness | None = None


class PurchaseMachine(RuleBasedStateMachine):
    transactions = Bundle("transactions")

    def __init__(self) -> None:
        super().__init__()
        assert HARNESS is not None
        self.h = HARNESS
        self.connection: AsyncConnection = self.h.run(self.h.engine.connect())
        self.h.run(self.connection.begin())
        self.session = AsyncSession(
            bind=self.connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            autoflush=False,
        )
        self.model: dict[uuid.UUID, tuple[str, Decimal, int]] = {}
        # Of paid orders: what was charged, and what was refunded of it.
        self.totals: dict[uuid.UUID, Decimal] = {}
        self.refunded: dict[uuid.UUID, Decimal] = {}
        self.onboarded = False

    @initialize()
    def listing(self) -> None:
        async def create() -> None:
            self.seller = await make_user(self.session)
            self.buyers = [await make_user(self.session, role="brand") for _ in range(2)]
            self.material = await make_material(
                self.session, self.seller, quantity=INITIAL, unit="piece", kg_per_unit=Decimal(1)
            )

        self.h.run(create())

    def attempt(self, action: Callable[[], Awaitable[T]]) -> T | AppError:
        """One request: its writes stand or are rolled back together."""

        async def run() -> T | AppError:
            try:
                async with self.session.begin_nested():
                    return await action()
            except AppError as error:
                return error
            finally:
                self.session.info.pop("after_commit", None)

        return self.h.run(run())

    def user(self, index: int) -> User:
        return self.seller if index < 0 else self.buyers[index]

    def reserved(self) -> Decimal:
        return sum((q for s, q, _ in self.model.values() if s != "cancelled"), Decimal(0))

    @rule(target=transactions, buyer=st.integers(0, 1), quantity=st.integers(1, 7))
    def buy(self, buyer: int, quantity: int) -> Any:
        available = INITIAL - self.reserved()
        data = TransactionCreate(
            material_id=self.material.id, quantity=Decimal(quantity), shipping_address=ADDRESS
        )
        result = self.attempt(
            lambda: service.create_transaction(
                self.session, self.h.settings, self.h.cache, self.user(buyer), data
            )
        )
        if quantity > available:
            assert isinstance(result, InsufficientQuantity)
            return multiple()
        assert isinstance(result, Transaction), result
        self.model[result.id] = ("pending", Decimal(quantity), buyer)
        return result.id

    def change(self, transaction_id: uuid.UUID, who: int, target: str) -> Transaction | AppError:
        return self.attempt(
            lambda: service.change_status(
                self.session,
                self.h.settings,
                self.h.cache,
                self.h.gateway,
                self.user(who),
                transaction_id,
                StatusUpdate(status=target),
            )
        )

    def expect(self, transaction_id: uuid.UUID, result: object, ok: bool, new: str) -> None:
        _, quantity, buyer = self.model[transaction_id]
        if ok:
            assert not isinstance(result, AppError), result
            self.model[transaction_id] = (new, quantity, buyer)
        else:
            assert isinstance(result, AppError)

    @rule(transaction_id=transactions, by_seller=st.booleans())
    def cancel(self, transaction_id: uuid.UUID, by_seller: bool) -> None:
        status, _, buyer = self.model[transaction_id]
        result = self.change(transaction_id, -1 if by_seller else buyer, "cancelled")
        if status not in ("pending", "paid") or (status == "paid" and not by_seller):
            assert isinstance(result, InvalidTransition)
            return
        if status not in ("pending", "paid"):
            assert isinstance(result, InvalidTransition)
        self.expect(transaction_id, result, status in ("pending", "paid"), "cancelled")
        if status == "paid":
            self.refunded[transaction_id] = self.totals[transaction_id]

    @rule()
    def onboard(self) -> None:
        """The seller's payout account becomes enabled: what completed orders held is paid."""

        async def run() -> tuple[str, bool]:
            await payouts.start_account(self.session, self.h.settings, self.h.gateway, self.seller)
            return await payouts.complete_sandbox_onboarding(
                self.session, self.h.gateway, self.seller
            )

        result = self.attempt(run)
        if self.onboarded:
            assert isinstance(result, AccountAlreadyEnabled)
        else:
            assert result == ("enabled", True)
        self.onboarded = True

    @rule(transaction_id=transactions, percent=st.integers(0, 120))
    def refund(self, transaction_id: uuid.UUID, percent: int) -> None:
        """The seller refunds a share of what is left (0: all of it; over 100: too much)."""
        status, quantity, buyer = self.model[transaction_id]
        total = self.totals.get(transaction_id, Decimal(0))
        left = total - self.refunded.get(transaction_id, Decimal(0))
        amount = None if percent == 0 else max(CENT, (left * percent / 100).quantize(CENT))
        data = RefundCreate(amount=amount, reason="Short delivery")
        result = self.attempt(
            lambda: refunds.create_refund(
                self.session, self.h.cache, self.h.gateway, self.seller, transaction_id, data
            )
        )
        if status == "pending" or transaction_id not in self.totals:
            assert isinstance(result, NotRefundable)
            return
        wanted = left if amount is None else amount
        if wanted > left or left == 0:
            assert isinstance(result, RefundExceedsRemaining)
            return
        assert isinstance(result, Refund), result
        self.refunded[transaction_id] = self.refunded.get(transaction_id, Decimal(0)) + wanted
        if wanted == left and status == "paid":
            self.model[transaction_id] = ("cancelled", quantity, buyer)

    @rule(transaction_id=transactions, declined=st.booleans())
    def pay(self, transaction_id: uuid.UUID, declined: bool) -> None:
        status, _, buyer = self.model[transaction_id]
        method = "pm_card_visa_chargeDeclined" if declined else "pm_card_visa"
        data = PaymentCreate(transaction_id=transaction_id, payment_method=method)
        result = self.attempt(
            lambda: payments.create_payment(
                self.session,
                self.h.settings,
                self.h.cache,
                self.h.gateway,
                self.user(buyer),
                data,
                None,
            )
        )
        if status == "pending" and declined:
            assert isinstance(result, PaymentDeclined)
            return
        if status != "pending":
            assert isinstance(result, AlreadyPaid if status != "cancelled" else NotPayable)
        self.expect(transaction_id, result, status == "pending", "paid")
        if status == "pending":
            self.totals[transaction_id] = self.h.run(self.total_of(transaction_id))

    async def total_of(self, transaction_id: uuid.UUID) -> Decimal:
        total = await self.session.scalar(
            select(Transaction.total).where(Transaction.id == transaction_id)
        )
        assert total is not None
        return total

    @rule(transaction_id=transactions, by_buyer=st.booleans())
    def ship(self, transaction_id: uuid.UUID, by_buyer: bool) -> None:
        status, _, buyer = self.model[transaction_id]
        result = self.change(transaction_id, buyer if by_buyer else -1, "shipped")
        if status == "paid" and by_buyer:
            assert isinstance(result, WrongParty)
            return
        self.expect(transaction_id, result, status == "paid", "shipped")

    @rule(transaction_id=transactions)
    def complete(self, transaction_id: uuid.UUID) -> None:
        status, _, buyer = self.model[transaction_id]
        result = self.change(transaction_id, buyer, "completed")
        self.expect(transaction_id, result, status == "shipped", "completed")

    @rule(transaction_id=transactions)
    def expire(self, transaction_id: uuid.UUID) -> None:
        async def run() -> int:
            await self.session.execute(
                update(Transaction)
                .where(Transaction.id == transaction_id)
                .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
            return await service.expire_overdue(self.session, self.h.cache)

        expired = self.attempt(run)
        status, quantity, buyer = self.model[transaction_id]
        assert expired == (1 if status == "pending" else 0)
        if status == "pending":
            self.model[transaction_id] = ("cancelled", quantity, buyer)

    @invariant()
    def stock_is_conserved(self) -> None:
        if not hasattr(self, "material"):
            return

        async def read() -> tuple[Decimal, str, dict[uuid.UUID, tuple[str, Decimal]]]:
            listing = (
                await self.session.execute(
                    select(Material.quantity, Material.status).where(
                        Material.id == self.material.id
                    )
                )
            ).one()
            rows = await self.session.execute(
                select(Transaction.id, Transaction.status, Transaction.quantity)
            )
            return listing[0], listing[1], {r[0]: (r[1], r[2]) for r in rows}

        quantity, status, stored = self.h.run(read())
        assert quantity >= 0
        held = sum((q for s, q in stored.values() if s != "cancelled"), Decimal(0))
        assert quantity + held == INITIAL
        assert (status == "sold_out") == (quantity == 0)
        assert {k: s for k, (s, _) in stored.items()} == {k: v[0] for k, v in self.model.items()}

    @invariant()
    def ledger_balances(self) -> None:
        """For every order: charges - refunds = fees + transfers + held, each term agreeing
        with the order, and the order's refunds are the model's."""
        if not hasattr(self, "material"):
            return

        async def check() -> list[tuple[Transaction, list[str]]]:
            rows = await self.session.execute(select(Transaction))
            found = []
            for transaction in rows.scalars():
                sums = await ledger.balance(self.session, transaction.id)
                found.append((transaction, ledger.problems(transaction, sums)))
            return found

        for transaction, problems in self.h.run(check()):
            assert problems == [], (transaction.id, problems)
            assert transaction.refunded_amount == self.refunded.get(transaction.id, Decimal(0))
            # A completed order with something left for the seller is paid out once the
            # seller can be paid, and held until then.
            if transaction.status == "completed" and transaction.payout_status != "none":
                expected = ("paid", "reversed") if self.onboarded else ("held",)
                assert transaction.payout_status in expected, transaction.payout_status

    def teardown(self) -> None:
        async def close() -> None:
            await self.session.close()
            await self.connection.rollback()
            await self.connection.close()

        self.h.run(close())


@pytest.fixture
def harness(migrated: str, settings: Settings) -> Iterator[Harness]:
    global HARNESS  # hypothesis builds the machine itself, without arguments
    HARNESS = Harness(migrated, settings)
    try:
        yield HARNESS
    finally:
        HARNESS.close()
        HARNESS = None


@pytest.mark.usefixtures("harness")
def test_purchases_keep_stock_and_ledger_consistent() -> None:
    run_state_machine_as_test(
        PurchaseMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
