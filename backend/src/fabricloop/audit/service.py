"""The audit log of operator actions. Every domain with an admin route records each action
through `record` in the action's own transaction, so the log and the change commit (or roll
back) together."""

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit import repository
from fabricloop.audit.errors import InvalidDateRange
from fabricloop.audit.models import AdminAction
from fabricloop.audit.repository import AuditFilter
from fabricloop.audit.schemas import AuditAdmin, AuditEntry, AuditLog
from fabricloop.auth.errors import AdminOnly
from fabricloop.auth.models import User
from fabricloop.core.pagination import Page
from fabricloop.core.vocabulary import ADMIN_ROLE

ACTION = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
MAX_REASON = 2000


async def record(
    session: AsyncSession,
    admin: User,
    action: str,
    target_type: str,
    target_id: uuid.UUID | None,
    *,
    reason: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AdminAction:
    """Log that `admin` did `action` (`<target type>.<verb>`, e.g. `user.suspend`) to the
    record `target_type`/`target_id`, why (`reason`, as the admin gave it) and any facts
    worth keeping (`details`: JSON values; Decimals, UUIDs and dates are stored as strings).
    Call it in the same transaction as the change itself."""
    if admin.role != ADMIN_ROLE:
        raise AdminOnly()
    if not ACTION.match(action) or len(action) > 60:
        raise ValueError(f"an audit action is `<target>.<verb>` in snake_case: {action!r}")
    if not 1 <= len(target_type) <= 40:
        raise ValueError(f"bad audit target type {target_type!r}")
    stored = orjson.loads(orjson.dumps(dict(details or {}), default=str))
    entry = AdminAction(
        admin_id=admin.id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason[:MAX_REASON] if reason is not None else None,
        details=stored,
    )
    return await repository.add(session, entry)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def audit_log(
    session: AsyncSession,
    page: Page,
    *,
    admin_id: uuid.UUID | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: uuid.UUID | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
) -> AuditLog:
    """A page of the log, newest first, filtered (every filter optional; dates inclusive)."""
    if start_date is not None and end_date is not None and start_date > end_date:
        raise InvalidDateRange(
            details=[{"field": "start_date", "message": "Must not be after end_date."}]
        )
    since = _midnight(start_date) if start_date is not None else None
    before = _midnight(end_date + timedelta(days=1)) if end_date is not None else None
    where = AuditFilter(admin_id, action, target_type, target_id, since, before)
    rows, total = await repository.page(session, where, page.limit, page.offset)
    return AuditLog(
        entries=[
            AuditEntry(
                audit_id=entry.id,
                admin=AuditAdmin(user_id=entry.admin_id, email=email, company_name=company),
                action=entry.action,
                target_type=entry.target_type,
                target_id=entry.target_id,
                reason=entry.reason,
                details=entry.details,
                created_at=entry.created_at,
            )
            for entry, email, company in rows
        ],
        total=total,
        page=page.page,
        limit=page.limit,
    )
