import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.payouts.models import ConnectedAccount, Payout


async def get_account(
    session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False
) -> ConnectedAccount | None:
    query = select(ConnectedAccount).where(ConnectedAccount.user_id == user_id)
    if lock:
        query = query.with_for_update()
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def find_account(session: AsyncSession, reference: str) -> ConnectedAccount | None:
    result = await session.execute(
        select(ConnectedAccount).where(ConnectedAccount.reference == reference).with_for_update()
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, row: ConnectedAccount | Payout) -> None:
    session.add(row)
    await session.flush()


async def payout_of(session: AsyncSession, transaction_id: uuid.UUID) -> Payout | None:
    result = await session.execute(
        select(Payout).where(Payout.transaction_id == transaction_id).with_for_update()
    )
    return result.scalar_one_or_none()


async def list_payouts(
    session: AsyncSession, seller_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[Payout], int]:
    condition = Payout.seller_id == seller_id
    total = await session.scalar(select(func.count()).select_from(Payout).where(condition))
    result = await session.execute(
        select(Payout)
        .where(condition)
        .order_by(Payout.created_at.desc(), Payout.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(result.scalars()), total or 0


async def paid_by_currency(session: AsyncSession, seller_id: uuid.UUID) -> dict[str, Decimal]:
    result = await session.execute(
        select(Payout.currency, func.sum(Payout.amount - Payout.reversed_amount))
        .where(Payout.seller_id == seller_id)
        .group_by(Payout.currency)
    )
    return {row[0]: row[1] for row in result}


async def flush(session: AsyncSession) -> None:
    await session.flush()
