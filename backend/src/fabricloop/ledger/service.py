"""The ledger: every movement of an order's money as an append-only entry, and the check
that, for every order, charges - refunds = fees + transfers - reversals + held, with each
term agreeing with what the order says (its total, refunds, commission and payout)."""

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.config import Settings
from fabricloop.core.db import Companion, create_engine, create_sessionmaker
from fabricloop.ledger import repository
from fabricloop.ledger.models import LedgerEntry
from fabricloop.transactions import service as transactions
from fabricloop.transactions.models import Transaction

CENT = Decimal("0.01")
ZERO = Decimal(0)
RECONCILE_BATCH = 1000


def platform_fee(amount: Decimal, percent: Decimal) -> Decimal:
    """The commission on what the buyer paid and kept, half-up to cents."""
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Balance:
    charges: Decimal = ZERO
    refunds: Decimal = ZERO
    fees: Decimal = ZERO
    transfers: Decimal = ZERO
    reversals: Decimal = ZERO

    @property
    def transferred(self) -> Decimal:
        return self.transfers - self.reversals

    @property
    def held(self) -> Decimal:
        """What the platform holds for the seller: the rest of the equation."""
        return self.charges - self.refunds - self.fees - self.transferred


async def record(
    session: AsyncSession,
    transaction: Transaction,
    *movements: tuple[str, Decimal, str | None],
) -> None:
    """Append (kind, amount, gateway reference) entries; a zero fee change is left out."""
    if kept := _kept(movements):
        await repository.add(session, transaction.id, transaction.currency, kept)


def recording(
    transaction: Transaction, *movements: tuple[str, Decimal, str | None]
) -> Companion | None:
    """The same entries as `record` appends, for the statement that writes the order's change
    to carry (`transactions.mark_paid`); None when there are none."""
    if kept := _kept(movements):
        return repository.recording(transaction.id, transaction.currency, kept)
    return None


def _kept(
    movements: tuple[tuple[str, Decimal, str | None], ...],
) -> list[tuple[str, Decimal, str | None]]:
    return [movement for movement in movements if movement[1] != ZERO]


async def balance(session: AsyncSession, transaction_id: uuid.UUID) -> Balance:
    sums = await repository.sums(session, transaction_id)
    return Balance(
        charges=sums.get("charge", ZERO),
        refunds=sums.get("refund", ZERO),
        fees=sums.get("fee", ZERO),
        transfers=sums.get("transfer", ZERO),
        reversals=sums.get("transfer_reversal", ZERO),
    )


async def entries(session: AsyncSession, transaction_id: uuid.UUID) -> list[LedgerEntry]:
    return await repository.list_entries(session, transaction_id)


def problems(transaction: Transaction, sums: Balance) -> list[str]:
    """How the order's entries disagree with the order; empty when they agree."""
    found: list[str] = []
    fee = transaction.platform_fee or ZERO
    # An order never paid (a charge that arrived after it was cancelled) keeps nothing.
    paid = transaction.platform_fee is not None
    kept = transaction.total - transaction.refunded_amount if paid else ZERO
    if sums.charges - sums.refunds != kept:
        found.append(f"charges - refunds = {sums.charges - sums.refunds}, the order kept {kept}")
    if sums.fees != fee:
        found.append(f"fees = {sums.fees}, the order's platform_fee is {fee}")
    if sums.held < ZERO:
        found.append(f"held is negative: {sums.held}")
    status = transaction.payout_status
    if status in ("held", "scheduled"):
        if sums.transferred != ZERO:
            found.append(f"payout {status} but {sums.transferred} transferred")
        payout = transactions.seller_payout(transaction) or ZERO
        if sums.held != payout:
            found.append(f"held = {sums.held}, the seller's payout is {payout}")
    elif status == "paid":
        if sums.held != ZERO:
            found.append(f"paid out but {sums.held} still held")
    elif sums.held != ZERO or sums.transferred != ZERO:
        found.append(f"payout {status} but held {sums.held}, transferred {sums.transferred}")
    return found


@dataclass(frozen=True)
class Discrepancy:
    transaction_id: uuid.UUID
    problems: list[str]


async def reconcile(session: AsyncSession) -> tuple[int, list[Discrepancy]]:
    """Every order with money on it checked against its entries: (orders checked, the ones
    that disagree)."""
    checked, found = 0, []
    after: uuid.UUID | None = None
    while True:
        rows = await repository.sums_after(session, after, RECONCILE_BATCH)
        for transaction, charges, refunds, fees, transfers, reversals in rows:
            checked += 1
            sums = Balance(charges, refunds, fees, transfers, reversals)
            wrong = problems(transaction, sums)
            if wrong:
                found.append(Discrepancy(transaction.id, wrong))
        if len(rows) < RECONCILE_BATCH:
            return checked, found
        after = rows[-1][0].id


async def reconcile_database(settings: Settings) -> tuple[int, list[Discrepancy]]:
    """`fabricloop reconcile`: the check in one read-only transaction of its own."""
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            return await reconcile(session)
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Statement:
    transaction: Transaction
    entries: list[LedgerEntry]
    balance: Balance
    problems: list[str]


async def statement(session: AsyncSession, transaction_id: uuid.UUID) -> Statement | None:
    """An order's entries in the order written, their sums, and how they disagree with the
    order (empty when they agree); None for an unknown order."""
    transaction = await repository.get_transaction(session, transaction_id)
    if transaction is None:
        return None
    sums = await balance(session, transaction_id)
    return Statement(
        transaction,
        await repository.list_entries(session, transaction_id),
        sums,
        problems(transaction, sums),
    )
