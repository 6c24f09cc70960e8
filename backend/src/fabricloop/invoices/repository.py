import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.companies import service as companies
from fabricloop.core.db import Direct
from fabricloop.invoices.models import Document
from fabricloop.transactions.models import Transaction


def _issue(issued: str) -> TextClause:
    """One statement: unless a document matching `issued` exists, take the seller's next
    number of the kind (its counter row stays locked until the commit) and insert the
    document with it, naming its parties from their company details as they are now (read
    by the same statement). Nothing is numbered, so no number is lost, when it exists."""
    columns = {
        "seller_id": Document.seller_id,
        "kind": Document.kind,
        "transaction_id": Document.transaction_id,
        "refund_id": Document.refund_id,
        "amount": Document.amount,
        "currency": Document.currency,
        "reason": Document.reason,
        "platform_fee": Document.platform_fee,
        "issued_at": Document.issued_at,
    }
    parties = {
        "seller_party": companies.party_of("seller_id"),
        "buyer_party": companies.party_of("buyer_id"),
    }
    names = ", ".join([*columns, *parties])
    values = ", ".join([*(f":{name}" for name in columns), *parties.values()])
    return text(
        f"""
        WITH counter AS (
            INSERT INTO document_counters (seller_id, kind, last_number)
            SELECT :seller_id, :kind, 1
            WHERE NOT EXISTS (SELECT 1 FROM invoice_documents WHERE {issued})
            ON CONFLICT (seller_id, kind)
            DO UPDATE SET last_number = document_counters.last_number + 1
            RETURNING last_number
        )
        INSERT INTO invoice_documents (number, {names})
        SELECT counter.last_number, {values} FROM counter
        RETURNING id
        """  # noqa: S608 - fixed fragments of this module; values are bound
    ).bindparams(
        *(bindparam(name, type_=column.type) for name, column in columns.items()),
        bindparam("buyer_id", type_=Transaction.buyer_id.type),
    )


# Sent through asyncpg itself (core.db.Direct): every payment issues an invoice.
_ISSUE = {
    "invoice": Direct(_issue("transaction_id = :transaction_id AND kind = 'invoice'")),
    "credit_note": Direct(_issue("refund_id = :refund_id")),
}


async def issue(session: AsyncSession, values: dict[str, Any]) -> uuid.UUID | None:
    """Number and store a document (`values`: its columns but the number); None when the
    order's invoice, or the refund's credit note, was issued before."""
    row = await _ISSUE[values["kind"]].first(session, values)
    if row is None:
        return None
    issued: uuid.UUID = row["id"]
    return issued


async def issue_apart(session: AsyncSession, values: dict[str, Any]) -> uuid.UUID | None:
    """`issue` in a savepoint: an order's invoice issued by another session at the same moment
    (the statement waited for the counter row, then met that invoice on the unique index)
    leaves this transaction usable and its number unused, and gives None."""
    try:
        async with session.begin_nested():
            return await issue(session, values)
    except IntegrityError as error:
        if "uq_invoice_documents_one_invoice" not in str(error.orig):
            raise
        return None


async def invoice_of(session: AsyncSession, transaction_id: uuid.UUID) -> Document | None:
    result = await session.execute(
        select(Document).where(
            Document.transaction_id == transaction_id, Document.kind == "invoice"
        )
    )
    return result.scalar_one_or_none()


async def credit_note_of(session: AsyncSession, refund_id: uuid.UUID) -> Document | None:
    result = await session.execute(select(Document).where(Document.refund_id == refund_id))
    return result.scalar_one_or_none()


async def lock_unrendered(session: AsyncSession, limit: int) -> list[Document]:
    """Documents whose PDFs are not stored yet, oldest first, locked until the commit; rows
    another run holds are skipped."""
    result = await session.scalars(
        select(Document)
        .where(Document.rendered_at.is_(None))
        .order_by(Document.issued_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result.all())


async def mark_rendered(session: AsyncSession, document_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(Document)
        .where(Document.id == document_id, Document.rendered_at.is_(None))
        .values(rendered_at=now)
    )


async def lock_uninvoiced(
    session: AsyncSession, since: datetime, until: datetime, limit: int
) -> list[uuid.UUID]:
    """Orders paid with a charge between `since` and `until` that have no invoice, oldest
    first, locked until the commit; rows another run holds are skipped. FOR NO KEY UPDATE,
    not FOR UPDATE: an invoice inserted meanwhile by another session (a payment's own, late)
    takes a KEY SHARE lock on its order for the foreign key while holding the seller's
    counter row, which this run then waits for: FOR UPDATE would deadlock the two."""
    invoiced = (
        select(Document.id)
        .where(Document.transaction_id == Transaction.id, Document.kind == "invoice")
        .exists()
    )
    result = await session.scalars(
        select(Transaction.id)
        .where(
            Transaction.platform_fee.is_not(None),
            Transaction.total > 0,
            Transaction.paid_at >= since,
            Transaction.paid_at < until,
            ~invoiced,
        )
        .order_by(Transaction.paid_at)
        .limit(limit)
        .with_for_update(of=Transaction, skip_locked=True, key_share=True)
    )
    return list(result.all())
