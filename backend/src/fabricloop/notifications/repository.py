"""Every SQL statement of notifications, their settings and the email outbox."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from fabricloop.core.db import Direct, execute_rowcount, flush_pending
from fabricloop.core.leases import claim_due_rows
from fabricloop.notifications.models import Notification, NotificationSetting, OutboxEmail

# One round trip for a notification: its row, its email in the outbox unless the user turned
# the kind off (or the account is closed), and the user's unread count up to :cap. The count's
# snapshot is taken before the INSERT of the same statement, hence the + 1 for the new (unread)
# row. It stops at :cap - 1 rows read: counting them all made every order, payment and message
# to a user cost O(their unread notifications) inside its transaction (0.3 ms at 1,000, 13 ms
# at 100,000). Sent through asyncpg (core.db.Direct): every order, payment and message records
# one or two.
_RECORD = Direct(
    text(
        """
    WITH notification AS (
        INSERT INTO notifications (user_id, kind, title, body, link)
        VALUES (:user_id, :kind, :title, :body, :link)
        RETURNING id, created_at
    ), address AS (
        SELECT users.email FROM users
        WHERE users.id = :user_id AND users.is_active AND users.deleted_at IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM notification_settings AS chosen
              WHERE chosen.user_id = :user_id AND chosen.kind = :kind AND chosen.email IS false
          )
    ), outbox AS (
        INSERT INTO email_outbox (notification_id, to_address)
        SELECT notification.id, address.email FROM notification, address
        ON CONFLICT (notification_id) DO NOTHING
    )
    SELECT notification.id, notification.created_at,
           (SELECT address.email FROM address) AS email,
           (SELECT count(*) FROM (
                SELECT FROM notifications
                WHERE notifications.user_id = :user_id AND notifications.read_at IS NULL
                LIMIT :cap - 1
            ) AS unread) + 1 AS unread_count
    FROM notification
    """
    )
)


async def record(
    session: AsyncSession,
    user_id: uuid.UUID,
    kind: str,
    title: str,
    body: str,
    link: str | None,
    count_up_to: int,
) -> tuple[Notification, str | None, int]:
    """Store a notification and queue its email in one statement: (the notification, the
    address emailed or None, the user's unread count with it, at most `count_up_to`)."""
    await flush_pending(session)  # the caller's pending rows first, as an ORM insert would
    (row,) = await _RECORD.fetch(
        session,
        {
            "user_id": user_id,
            "kind": kind,
            "title": title,
            "body": body,
            "link": link,
            "cap": count_up_to,
        },
    )
    notification = Notification(
        id=row["id"],
        user_id=user_id,
        kind=kind,
        title=title,
        body=body,
        link=link,
        created_at=row["created_at"],
        read_at=None,
    )
    # Stored already: attached to the session as if loaded by a query (no second INSERT).
    make_transient_to_detached(notification)
    session.add(notification)
    return notification, row["email"], int(row["unread_count"])


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
    return await execute_rowcount(
        session,
        update(Notification)
        .where(condition)
        .values(read_at=now)
        .execution_options(synchronize_session=False),
    )


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
    claimed = claim_due_rows(
        OutboxEmail,
        due=and_(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now),
        due_at=OutboxEmail.next_attempt_at,
        attempts=OutboxEmail.attempts,
        limit=limit,
        leased_until=now + retry_after,
    ).returning(OutboxEmail.id)
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
