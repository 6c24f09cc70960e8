import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, func, select, text, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import Companion, Direct, flush_pending
from fabricloop.ledger.models import LedgerEntry
from fabricloop.transactions.models import Transaction

# One statement for every entry of a movement, whatever their number (a statement of several
# VALUES would be a new one per count): their values as arrays, inserted in the order given, so
# the rows' `position` follows it. Sent through asyncpg itself (core.db.Direct), or inside the
# statement that makes an order paid (`recording`): every payment records two.
_ENTRIES = """
    INSERT INTO ledger_entries (transaction_id, kind, amount, currency, reference)
    SELECT CAST(:entry_transaction_id AS uuid), entry.kind, entry.amount,
           CAST(:entry_currency AS varchar), entry.reference
    FROM unnest(CAST(:entry_kinds AS varchar[]), CAST(:entry_amounts AS numeric[]),
                CAST(:entry_references AS varchar[])) WITH ORDINALITY
         AS entry(kind, amount, reference, n)
    ORDER BY entry.n
"""
_PARAMS = (
    bindparam("entry_transaction_id", type_=LedgerEntry.transaction_id.type),
    bindparam("entry_currency", type_=LedgerEntry.currency.type),
    bindparam("entry_kinds", type_=ARRAY(LedgerEntry.kind.type)),
    bindparam("entry_amounts", type_=ARRAY(LedgerEntry.amount.type)),
    bindparam("entry_references", type_=ARRAY(LedgerEntry.reference.type)),
)
_INSERT = Direct(text(_ENTRIES).bindparams(*_PARAMS))
_ALONGSIDE = (
    text(_ENTRIES + "RETURNING position")
    .bindparams(*_PARAMS)
    .columns(LedgerEntry.position)
    .cte("ledger_entries_added")
)


def _values(
    transaction_id: uuid.UUID, currency: str, movements: Sequence[tuple[str, Decimal, str | None]]
) -> dict[str, Any]:
    kinds, amounts, references = zip(*movements, strict=True)
    return {
        "entry_transaction_id": transaction_id,
        "entry_currency": currency,
        "entry_kinds": list(kinds),
        "entry_amounts": list(amounts),
        "entry_references": list(references),
    }


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
    await _INSERT.fetch(session, _values(transaction_id, currency, movements))


def recording(
    transaction_id: uuid.UUID, currency: str, movements: Sequence[tuple[str, Decimal, str | None]]
) -> Companion:
    """The same entries, to be written by another statement of the transaction's, as `add`
    writes them."""
    return Companion(_ALONGSIDE, _values(transaction_id, currency, movements))


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
