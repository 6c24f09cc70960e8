"""Every SQL statement of notifications, their settings and the email outbox."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.notifications.models import Notification, NotificationSetting, OutboxEmail


async def add(
    session: AsyncSession, user_id: uuid.UUID, kind: str, title: str, body: str, link: str | None
) -> Notification:
    notification = Notification(user_id=user_id, kind=kind, title=title, body=body, link=link)
    session.add(notification)
    await session.flush()
    await session.refresh(notification, ["created_at"])
    return notification


async def email_address_for(session: AsyncSession, user_id: uuid.UUID, kind: str) -> str | None:
    """The address to email about `kind`, or None: account closed or the kind turned off."""
    turned_off = (
        select(NotificationSetting.user_id)
        .where(
            NotificationSetting.user_id == user_id,
            NotificationSetting.kind == kind,
            NotificationSetting.email.is_(False),
        )
        .exists()
    )
    return await session.scalar(
        select(User.email).where(
            User.id == user_id, User.is_active, User.deleted_at.is_(None), ~turned_off
        )
    )


async def add_outbox(session: AsyncSession, notification_id: uuid.UUID, to_address: str) -> None:
    await session.execute(
        insert(OutboxEmail)
        .values(notification_id=notification_id, to_address=to_address)
        .on_conflict_do_nothing(index_elements=[OutboxEmail.notification_id])
    )


async def page(
    session: AsyncSession, user_id: uuid.UUID, limit: int, offset: int
) -> Sequence[Notification]:
    """Unread first, then newest first."""
    unread_first = case((Notification.read_at.is_(None), 0), else_=1)
    result = await session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(unread_first, Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return result.all()


async def counts(session: AsyncSession, user_id: uuid.UUID) -> tuple[int, int]:
    """(all, unread) of a user's notifications."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(Notification.read_at.is_(None)),
            ).where(Notification.user_id == user_id)
        )
    ).one()
    return int(row[0]), int(row[1])


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return int(count or 0)


async def mark_read(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID] | None, now: datetime
) -> int:
    """Marks the user's unread notifications (all, or those of `ids`) read; others' ids match
    nothing."""
    condition = and_(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        condition = and_(condition, Notification.id.in_(ids))
    result = await session.execute(
        update(Notification)
        .where(condition)
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def email_settings(session: AsyncSession, user_id: uuid.UUID) -> dict[str, bool]:
    rows = await session.execute(
        select(NotificationSetting.kind, NotificationSetting.email).where(
            NotificationSetting.user_id == user_id
        )
    )
    return {row.kind: row.email for row in rows}


async def set_email_settings(
    session: AsyncSession, user_id: uuid.UUID, choices: dict[str, bool]
) -> None:
    if not choices:
        return
    statement = insert(NotificationSetting).values(
        [{"user_id": user_id, "kind": kind, "email": email} for kind, email in choices.items()]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[NotificationSetting.user_id, NotificationSetting.kind],
            set_={"email": statement.excluded.email},
        )
    )


async def claim_due(
    session: AsyncSession, now: datetime, limit: int, retry_after: timedelta
) -> list[tuple[OutboxEmail, Notification]]:
    """Due emails, each counted as one more attempt and put back `retry_after` later: a worker
    that dies mid-send leaves its emails to be tried again then (never lost), and no other
    worker takes them meanwhile. Rows locked by another worker are skipped."""
    due = (
        select(OutboxEmail.id)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = (
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(due))
        .values(attempts=OutboxEmail.attempts + 1, next_attempt_at=now + retry_after)
        .returning(OutboxEmail.id)
    )
    ids = list((await session.scalars(claimed)).all())
    if not ids:
        return []
    rows = await session.execute(
        select(OutboxEmail, Notification)
        .join(Notification, Notification.id == OutboxEmail.notification_id)
        .where(OutboxEmail.id.in_(ids))
        .order_by(OutboxEmail.created_at)
        .execution_options(populate_existing=True)
    )
    return [(row[0], row[1]) for row in rows]


async def mark_sent(session: AsyncSession, email_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id)
        .values(status="sent", sent_at=now, last_error=None)
    )


async def mark_failed(
    session: AsyncSession, email_id: uuid.UUID, error: str, retry_at: datetime | None
) -> None:
    """Records a failed attempt: tried again at `retry_at`, or given up when it is None."""
    values: dict[str, object] = {"last_error": error[:2000]}
    if retry_at is None:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = retry_at
    await session.execute(update(OutboxEmail).where(OutboxEmail.id == email_id).values(**values))
