"""Every SQL statement of the audit log."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit.models import AdminAction
from fabricloop.auth.models import User


@dataclass(frozen=True)
class AuditFilter:
    admin_id: uuid.UUID | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: uuid.UUID | None = None
    since: datetime | None = None  # inclusive
    before: datetime | None = None  # exclusive


async def add(session: AsyncSession, entry: AdminAction) -> AdminAction:
    session.add(entry)
    await session.flush()
    await session.refresh(entry)
    return entry


def _conditions(where: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.admin_id is not None:
        conditions.append(AdminAction.admin_id == where.admin_id)
    if where.action is not None:
        conditions.append(AdminAction.action == where.action)
    if where.target_type is not None:
        conditions.append(AdminAction.target_type == where.target_type)
    if where.target_id is not None:
        conditions.append(AdminAction.target_id == where.target_id)
    if where.since is not None:
        conditions.append(AdminAction.created_at >= where.since)
    if where.before is not None:
        conditions.append(AdminAction.created_at < where.before)
    return conditions


async def page(
    session: AsyncSession, where: AuditFilter, limit: int, offset: int
) -> tuple[Sequence[tuple[AdminAction, str, str]], int]:
    """The entries, newest first, each with its admin's email and company name; and the
    number of entries that match."""
    conditions = _conditions(where)
    total = await session.scalar(select(func.count()).select_from(AdminAction).where(*conditions))
    result = await session.execute(
        select(AdminAction, User.email, User.company_name)
        .join(User, User.id == AdminAction.admin_id)
        .where(*conditions)
        .order_by(AdminAction.created_at.desc(), AdminAction.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(row[0], row[1], row[2]) for row in result.all()], int(total or 0)
