"""Every SQL statement of company details and verification."""

import uuid
from datetime import datetime

from sqlalchemy import Uuid, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.companies.models import Company
from fabricloop.core.db import Direct


async def get(session: AsyncSession, user_id: uuid.UUID) -> Company | None:
    return await session.get(Company, user_id)


# Every paid order's invoice names its parties: built once, sent through asyncpg (`Direct`),
# the users as one array parameter (`Direct` expands no IN list).
_OF_USERS = Direct(
    select(Company).where(Company.user_id == any_(bindparam("user_ids", type_=ARRAY(Uuid))))
)


async def get_many(session: AsyncSession, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, Company]:
    found = await _OF_USERS.load_all(session, Company, {"user_ids": user_ids})
    return {company.user_id: company for company in found}


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
