import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.disputes.models import Dispute


async def has_open(session: AsyncSession, transaction_id: uuid.UUID) -> bool:
    query = select(Dispute.id).where(
        Dispute.transaction_id == transaction_id, Dispute.status == "open"
    )
    return (await session.execute(query.limit(1))).first() is not None


async def add(session: AsyncSession, dispute: Dispute) -> Dispute:
    session.add(dispute)
    await session.flush()
    await session.refresh(dispute)
    return dispute


async def find_by_reference(session: AsyncSession, reference: str) -> Dispute | None:
    result = await session.execute(
        select(Dispute).where(Dispute.reference == reference).with_for_update()
    )
    return result.scalar_one_or_none()


async def flush(session: AsyncSession) -> None:
    await session.flush()
