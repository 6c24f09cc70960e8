"""Every SQL statement of the operator's views: accounts, and the platform's figures."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.companies.models import Company
from fabricloop.disputes.models import Dispute
from fabricloop.materials.models import Material
from fabricloop.moderation.models import ListingReport
from fabricloop.transactions.models import Transaction

PAID_STATUSES = ("paid", "shipped", "completed")


@dataclass(frozen=True)
class UserFilter:
    q: str | None = None
    role: str | None = None
    verified: bool | None = None
    suspended: bool | None = None
    has_company_details: bool | None = None


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _user_conditions(where: UserFilter) -> list[ColumnElement[bool]]:
    has_company = select(Company.user_id).where(Company.user_id == User.id).exists()
    conditions: list[ColumnElement[bool]] = []
    if where.q:
        pattern = _like(where.q)
        conditions.append(
            or_(
                User.email.ilike(pattern),
                User.company_name.ilike(pattern),
                select(Company.user_id)
                .where(Company.user_id == User.id, Company.legal_name.ilike(pattern))
                .exists(),
            )
        )
    if where.role is not None:
        conditions.append(User.role == where.role)
    if where.verified is not None:
        conditions.append(
            User.verified_at.is_not(None) if where.verified else User.verified_at.is_(None)
        )
    if where.suspended is not None:
        conditions.append(
            User.suspended_at.is_not(None) if where.suspended else User.suspended_at.is_(None)
        )
    if where.has_company_details is not None:
        conditions.append(has_company if where.has_company_details else ~has_company)
    return conditions


async def users(
    session: AsyncSession, where: UserFilter, limit: int, offset: int
) -> tuple[Sequence[tuple[User, bool]], int]:
    """Accounts, newest first, each with whether it has company details; and the total."""
    conditions = _user_conditions(where)
    total = await session.scalar(select(func.count()).select_from(User).where(*conditions))
    has_company = select(Company.user_id).where(Company.user_id == User.id).exists()
    result = await session.execute(
        select(User, has_company)
        .where(*conditions)
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(row[0], bool(row[1])) for row in result.all()], int(total or 0)


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


@dataclass(frozen=True)
class UserCounts:
    listings: int
    orders_as_buyer: int
    orders_as_seller: int
    open_reports: int


async def user_counts(session: AsyncSession, user_id: uuid.UUID) -> UserCounts:
    listings = select(func.count()).where(
        Material.seller_id == user_id, Material.deleted_at.is_(None)
    )
    bought = select(func.count()).where(Transaction.buyer_id == user_id)
    sold = select(func.count()).where(Transaction.seller_id == user_id)
    reports = (
        select(func.count())
        .select_from(ListingReport)
        .join(Material, Material.id == ListingReport.material_id)
        .where(Material.seller_id == user_id, ListingReport.status == "open")
    )
    row = (
        await session.execute(
            select(
                listings.scalar_subquery(),
                bought.scalar_subquery(),
                sold.scalar_subquery(),
                reports.scalar_subquery(),
            )
        )
    ).one()
    return UserCounts(*(int(v or 0) for v in row))


async def money_by_currency(
    session: AsyncSession, start: datetime, end: datetime
) -> Sequence[tuple[str, int, Decimal, Decimal, Decimal]]:
    """Per currency, the orders paid in [start, end): count, totals, refunds, fees."""
    result = await session.execute(
        select(
            Transaction.currency,
            func.count(),
            func.coalesce(func.sum(Transaction.total), 0),
            func.coalesce(func.sum(Transaction.refunded_amount), 0),
            func.coalesce(func.sum(Transaction.platform_fee), 0),
        )
        .where(Transaction.paid_at >= start, Transaction.paid_at < end)
        .group_by(Transaction.currency)
        .order_by(Transaction.currency)
    )
    return [
        (r[0], int(r[1]), Decimal(str(r[2])), Decimal(str(r[3])), Decimal(str(r[4])))
        for r in result.all()
    ]


async def orders_by_status(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    result = await session.execute(
        select(Transaction.status, func.count())
        .where(Transaction.created_at >= start, Transaction.created_at < end)
        .group_by(Transaction.status)
    )
    return {row[0]: int(row[1]) for row in result.all()}


async def dispute_counts(
    session: AsyncSession, start: datetime, end: datetime
) -> tuple[int, int, int]:
    """(open now, opened in the range, resolved in the range)."""
    opened = select(func.count()).where(Dispute.created_at >= start, Dispute.created_at < end)
    resolved = select(func.count()).where(Dispute.resolved_at >= start, Dispute.resolved_at < end)
    open_now = select(func.count()).where(Dispute.status == "open")
    row = (
        await session.execute(
            select(
                open_now.scalar_subquery(),
                opened.scalar_subquery(),
                resolved.scalar_subquery(),
            )
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


async def new_accounts(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    result = await session.execute(
        select(User.role, func.count())
        .where(User.created_at >= start, User.created_at < end)
        .group_by(User.role)
    )
    return {row[0]: int(row[1]) for row in result.all()}
