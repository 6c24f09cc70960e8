"""Every SQL statement of company details and verification."""

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.companies.models import Company


async def get(session: AsyncSession, user_id: uuid.UUID) -> Company | None:
    return await session.get(Company, user_id)


def party_of(user_param: str) -> str:
    """SQL of a scalar subquery: the party an invoice names, from the company details of the
    user bound to `:<user_param>` (NULL when they gave none): its legal name, address,
    country, registration number and, if it has one, VAT number, a line each."""
    return f"""(
        SELECT concat_ws(E'\\n', c.legal_name, c.address, c.country,
                         'Registration no. ' || c.registration_number,
                         'VAT no. ' || NULLIF(c.vat_number, ''))
        FROM companies AS c WHERE c.user_id = :{user_param}
    )"""  # noqa: S608 - a fixed fragment; the user is bound


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
