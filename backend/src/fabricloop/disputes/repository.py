import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.disputes.models import Dispute, DisputeMessage


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


async def get(session: AsyncSession, dispute_id: uuid.UUID) -> Dispute | None:
    return await session.get(Dispute, dispute_id, populate_existing=True)


async def open_of(session: AsyncSession, transaction_id: uuid.UUID, source: str) -> Dispute | None:
    result = await session.execute(
        select(Dispute).where(
            Dispute.transaction_id == transaction_id,
            Dispute.source == source,
            Dispute.status == "open",
        )
    )
    return result.scalar_one_or_none()


async def add_message(session: AsyncSession, message: DisputeMessage) -> DisputeMessage:
    session.add(message)
    await session.flush()
    await session.refresh(message)
    return message


async def messages_of(session: AsyncSession, dispute_id: uuid.UUID) -> list[DisputeMessage]:
    result = await session.execute(
        select(DisputeMessage)
        .where(DisputeMessage.dispute_id == dispute_id)
        .order_by(DisputeMessage.created_at, DisputeMessage.id)
    )
    return list(result.scalars())


async def list_for(session: AsyncSession, transaction_id: uuid.UUID) -> list[Dispute]:
    result = await session.execute(
        select(Dispute)
        .where(Dispute.transaction_id == transaction_id)
        .order_by(Dispute.created_at, Dispute.id)
    )
    return list(result.scalars())


async def lock(session: AsyncSession, dispute_id: uuid.UUID) -> Dispute | None:
    result = await session.execute(
        select(Dispute)
        .where(Dispute.id == dispute_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def list_by_status(
    session: AsyncSession, status: str | None, offset: int, limit: int
) -> tuple[list[Dispute], int]:
    """Disputes (in one status, or all), oldest first: the operator's queue."""
    conditions = [Dispute.status == status] if status is not None else []
    query = select(Dispute).where(*conditions).order_by(Dispute.created_at, Dispute.id)
    rows = (await session.execute(query.offset(offset).limit(limit))).scalars().all()
    total = await session.scalar(select(func.count()).select_from(Dispute).where(*conditions))
    return list(rows), int(total or 0)


async def messages_of_many(
    session: AsyncSession, dispute_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[DisputeMessage]]:
    if not dispute_ids:
        return {}
    result = await session.execute(
        select(DisputeMessage)
        .where(DisputeMessage.dispute_id.in_(dispute_ids))
        .order_by(DisputeMessage.created_at, DisputeMessage.id)
    )
    grouped: dict[uuid.UUID, list[DisputeMessage]] = {i: [] for i in dispute_ids}
    for message in result.scalars():
        grouped[message.dispute_id].append(message)
    return grouped
