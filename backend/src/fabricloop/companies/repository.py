"""Every SQL statement of company details and verification."""

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.companies.models import Company


async def get(session: AsyncSession, user_id: uuid.UUID) -> Company | None:
    return await session.get(Company, user_id)


async def get_many(session: AsyncSession, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, Company]:
    result = await session.scalars(select(Company).where(Company.user_id.in_(user_ids)))
    return {company.user_id: company for company in result}


async def lock(session: AsyncSession, user_id: uuid.UUID) -> Company | None:
    result = await session.execute(
        select(Company)
        .where(Company.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, company: Company) -> Company:
    session.add(company)
    await session.flush()
    await session.refresh(company)
    return company


async def flush(session: AsyncSession, company: Company) -> Company:
    await session.flush()
    await session.refresh(company)
    return company


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    result = await session.execute(
        select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def set_verified(session: AsyncSession, user_id: uuid.UUID, at: datetime | None) -> None:
    await session.execute(update(User).where(User.id == user_id).values(verified_at=at))
