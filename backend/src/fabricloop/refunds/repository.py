import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.refunds.models import Refund


async def add(session: AsyncSession, refund: Refund) -> Refund:
    session.add(refund)
    await session.flush()
    await session.refresh(refund)
    return refund


async def count_for(session: AsyncSession, transaction_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(Refund).where(Refund.transaction_id == transaction_id)
    return int(await session.scalar(query) or 0)


async def find_by_reference(session: AsyncSession, reference: str) -> Refund | None:
    result = await session.execute(select(Refund).where(Refund.gateway_reference == reference))
    return result.scalar_one_or_none()


async def get(session: AsyncSession, refund_id: uuid.UUID) -> Refund | None:
    return await session.get(Refund, refund_id)


async def list_for(session: AsyncSession, transaction_id: uuid.UUID) -> list[Refund]:
    result = await session.execute(
        select(Refund)
        .where(Refund.transaction_id == transaction_id)
        .order_by(Refund.created_at, Refund.id)
    )
    return list(result.scalars())
