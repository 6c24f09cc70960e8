import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.invoices.models import Document, DocumentCounter


async def next_number(session: AsyncSession, seller_id: uuid.UUID, kind: str) -> int:
    """The seller's next number of this kind; the counter row stays locked until the commit."""
    first = insert(DocumentCounter).values(seller_id=seller_id, kind=kind, last_number=1)
    statement = first.on_conflict_do_update(
        index_elements=[DocumentCounter.seller_id, DocumentCounter.kind],
        set_={"last_number": DocumentCounter.last_number + 1},
    ).returning(DocumentCounter.last_number)
    return int((await session.execute(statement)).scalar_one())


async def add(session: AsyncSession, document: Document) -> Document:
    session.add(document)
    await session.flush()
    return document


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
