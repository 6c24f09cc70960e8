import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import ColumnElement, bindparam, case, func, select, text, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import Direct, flush_pending
from fabricloop.ledger.models import LedgerEntry
from fabricloop.transactions.models import Transaction

# One statement for every entry of a movement, whatever their number (a statement of several
# VALUES would be a new one per count): their values as arrays, inserted in the order given, so
# the rows' `position` follows it. Sent through asyncpg itself (core.db.Direct): every payment
# records two.
_INSERT = Direct(
    text(
        """
        INSERT INTO ledger_entries (transaction_id, kind, amount, currency, reference)
        SELECT CAST(:transaction_id AS uuid), entry.kind, entry.amount,
               CAST(:currency AS varchar), entry.reference
        FROM unnest(CAST(:kinds AS varchar[]), CAST(:amounts AS numeric[]),
                    CAST(:references AS varchar[])) WITH ORDINALITY
             AS entry(kind, amount, reference, n)
        ORDER BY entry.n
        """
    ).bindparams(
        bindparam("transaction_id", type_=LedgerEntry.transaction_id.type),
        bindparam("currency", type_=LedgerEntry.currency.type),
        bindparam("kinds", type_=ARRAY(LedgerEntry.kind.type)),
        bindparam("amounts", type_=ARRAY(LedgerEntry.amount.type)),
        bindparam("references", type_=ARRAY(LedgerEntry.reference.type)),
    )
)


async def add(
    session: AsyncSession,
    transaction_id: uuid.UUID,
    currency: str,
    movements: Sequence[tuple[str, Decimal, str | None]],
) -> None:
    """The order's entries (kind, amount, gateway reference), in one statement, nothing read
    back; their `position` in the order given. What the session holds unflushed goes first,
    as the unit of work did (callers read it back after)."""
    await flush_pending(session)
    kinds, amounts, references = zip(*movements, strict=True)
    await _INSERT.fetch(
        session,
        {
            "transaction_id": transaction_id,
            "currency": currency,
            "kinds": list(kinds),
            "amounts": list(amounts),
            "references": list(references),
        },
    )


async def list_entries(session: AsyncSession, transaction_id: uuid.UUID) -> list[LedgerEntry]:
    result = await session.execute(
        select(LedgerEntry)
        .where(LedgerEntry.transaction_id == transaction_id)
        .order_by(LedgerEntry.position)
    )
    return list(result.scalars())


def _sum(kind: str) -> ColumnElement[Decimal]:
    return case((LedgerEntry.kind == kind, LedgerEntry.amount), else_=Decimal(0))


async def sums(session: AsyncSession, transaction_id: uuid.UUID) -> dict[str, Decimal]:
    result = await session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.transaction_id == transaction_id)
        .group_by(LedgerEntry.kind)
    )
    return {row[0]: row[1] for row in result}


SumsRow = tuple[Transaction, Decimal, Decimal, Decimal, Decimal, Decimal]


async def sums_after(
    session: AsyncSession, after: uuid.UUID | None, limit: int
) -> Sequence[SumsRow]:
    """Orders with money on them (paid once, or with entries), by id after `after`, with the
    sums of their entries by kind. Each order's entries are summed on their own (a lateral
    subquery on the entries' transaction_id index), so a batch costs what its orders hold:
    summing the whole ledger for every batch made a check of n orders cost n^2."""
    totals = (
        select(
            func.sum(_sum("charge")).label("charges"),
            func.sum(_sum("refund")).label("refunds"),
            func.sum(_sum("fee")).label("fees"),
            func.sum(_sum("transfer")).label("transfers"),
            func.sum(_sum("transfer_reversal")).label("reversals"),
            func.count().label("entries"),
        )
        .where(LedgerEntry.transaction_id == Transaction.id)
        .lateral("totals")
    )
    zero = Decimal(0)
    query = (
        select(
            Transaction,
            func.coalesce(totals.c.charges, zero),
            func.coalesce(totals.c.refunds, zero),
            func.coalesce(totals.c.fees, zero),
            func.coalesce(totals.c.transfers, zero),
            func.coalesce(totals.c.reversals, zero),
        )
        .join(totals, true())
        .where((Transaction.platform_fee.is_not(None)) | (totals.c.entries > 0))
        .order_by(Transaction.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Transaction.id > after)
    return [tuple(row) for row in await session.execute(query)]


async def get_transaction(session: AsyncSession, transaction_id: uuid.UUID) -> Transaction | None:
    return await session.get(Transaction, transaction_id)
