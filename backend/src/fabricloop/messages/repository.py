"""Every SQL statement of messaging.

The conversation list is one query: the caller's counterparts come from index-only scans of
both (sender, recipient, created_at, id) indexes; for each counterpart a lateral subquery takes
the newest (created_at, id) of each direction from those indexes (still index-only); only the
requested page then reads message text and company names and counts unread messages from the
partial unread index. Its cost grows with the caller's own messages, not with the table."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, Text, Uuid, bindparam, func, insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.db import Clause, Companion, Direct, execute_rowcount, with_companions
from fabricloop.materials.models import Material
from fabricloop.messages.models import Message
from fabricloop.messages.schemas import PREVIEW_LENGTH


@dataclass(frozen=True)
class ConversationRow:
    user_id: uuid.UUID
    company_name: str
    preview: str
    sender_id: uuid.UUID
    sent_at: datetime
    unread_count: int


@dataclass(frozen=True)
class HistoryRow:
    id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID
    content: str
    material_id: uuid.UUID | None
    created_at: datetime
    read_at: datetime | None


# Who may be written to, and which listing a message may be about: the INSERT below checks
# both, and the service asks them again, one at a time, to say why it stored nothing.
_ACTIVE_RECIPIENT = select(User.id).where(
    User.id == bindparam("recipient_id", type_=Uuid), User.is_active.is_(True)
)
_VISIBLE_LISTING = select(Material.id).where(
    Material.id == bindparam("material_id", type_=Uuid),
    Material.deleted_at.is_(None),
    # Anyone's live listing, or the sender's own draft.
    (Material.status != "draft") | (Material.seller_id == bindparam("sender_id", type_=Uuid)),
)


async def active_user_exists(session: AsyncSession, user_id: uuid.UUID) -> bool:
    result = await session.execute(_ACTIVE_RECIPIENT, {"recipient_id": user_id})
    return result.first() is not None


async def user_exists(session: AsyncSession, user_id: uuid.UUID) -> bool:
    result = await session.execute(select(User.id).where(User.id == user_id))
    return result.first() is not None


async def material_visible_to(
    session: AsyncSession, material_id: uuid.UUID, user_id: uuid.UUID
) -> bool:
    """A listing anyone may see (not deleted, not someone else's draft)."""
    result = await session.execute(
        _VISIBLE_LISTING, {"material_id": material_id, "sender_id": user_id}
    )
    return result.first() is not None


# A message stored only if its recipient's account is active and the listing it is about (if
# any) is one the sender may see, in one round trip with its recipient's notification (written
# only with it); the service asks why when no row comes back. clock_timestamp(), not now():
# two messages in one transaction still get an order.
SENT = (
    insert(Message)
    .from_select(
        ["sender_id", "recipient_id", "material_id", "content", "created_at"],
        select(
            bindparam("sender_id", type_=Uuid),
            bindparam("recipient_id", type_=Uuid),
            bindparam("material_id", type_=Uuid),
            bindparam("content", type_=Text),
            func.clock_timestamp(),
        ).where(
            _ACTIVE_RECIPIENT.exists(),
            bindparam("material_id").is_(None) | _VISIBLE_LISTING.exists(),
        ),
    )
    .returning(Message.id, Message.created_at)
    .cte("message")
)


@cache
def _send(notice: Clause) -> Direct:
    """The message's INSERT carrying `notice` (built once); a row only when it stored one."""
    statement = select(SENT.c.id, SENT.c.created_at)
    return Direct(with_companions(statement, (notice,)), conditional_write=True)


async def add_message(
    session: AsyncSession,
    sender_id: uuid.UUID,
    recipient_id: uuid.UUID,
    material_id: uuid.UUID | None,
    content: str,
    notice: Companion,
) -> Any | None:
    """The new message's row (its `id`, `created_at`, and what `notice`, a write anchored on
    `SENT`, gave back), or None when the recipient isn't an active account or the listing
    isn't one the sender may see (nothing stored, `notice` neither)."""
    params = {
        "sender_id": sender_id,
        "recipient_id": recipient_id,
        "material_id": material_id,
        "content": content,
    }
    return await _send(notice.clause).first(session, params | notice.params)


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(Message)
        .where(Message.recipient_id == user_id, Message.read_at.is_(None))
    )
    return int(result.scalar_one())


CONVERSATIONS_SQL = text(
    f"""
WITH counterparts AS (
    SELECT DISTINCT recipient_id AS user_id FROM messages WHERE sender_id = :me
    UNION
    SELECT DISTINCT sender_id FROM messages WHERE recipient_id = :me
),
page AS (
    -- Index-only: the newest (created_at, id) per counterpart, ranked; only this page's
    -- rows go on to read message text, names and unread counts.
    SELECT c.user_id, newest.created_at, newest.id, count(*) OVER () AS total
    FROM counterparts c
    CROSS JOIN LATERAL (
        SELECT both_ways.created_at, both_ways.id FROM (
            (SELECT m.created_at, m.id FROM messages m
             WHERE m.sender_id = :me AND m.recipient_id = c.user_id
             ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
            UNION ALL
            (SELECT m.created_at, m.id FROM messages m
             WHERE m.sender_id = c.user_id AND m.recipient_id = :me
             ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
        ) both_ways
        ORDER BY both_ways.created_at DESC, both_ways.id DESC
        LIMIT 1
    ) newest
    ORDER BY newest.created_at DESC, newest.id DESC
    LIMIT :limit OFFSET :offset
)
SELECT p.user_id, u.company_name, left(m.content, {PREVIEW_LENGTH}) AS preview, m.sender_id,
       p.created_at, unread.n AS unread_count, p.total
FROM page p
JOIN messages m ON m.id = p.id
JOIN users u ON u.id = p.user_id
CROSS JOIN LATERAL (
    SELECT count(*) AS n FROM messages un
    WHERE un.recipient_id = :me AND un.sender_id = p.user_id AND un.read_at IS NULL
) unread
ORDER BY p.created_at DESC, p.id DESC
"""  # noqa: S608 - PREVIEW_LENGTH is a constant int, everything else is bound
)

COUNTERPARTS_COUNT_SQL = text(
    """
SELECT count(*) FROM (
    SELECT recipient_id FROM messages WHERE sender_id = :me
    UNION
    SELECT sender_id FROM messages WHERE recipient_id = :me
) c
"""
)


async def conversations(
    session: AsyncSession, user_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[ConversationRow], int]:
    result = await session.execute(
        CONVERSATIONS_SQL, {"me": user_id, "limit": limit, "offset": offset}
    )
    rows = result.all()
    if rows:
        total = int(rows[0].total)
    else:  # past the last page the window count has no row to ride on
        total = int((await session.execute(COUNTERPARTS_COUNT_SQL, {"me": user_id})).scalar_one())
    return [
        ConversationRow(
            user_id=r.user_id,
            company_name=r.company_name,
            preview=r.preview,
            sender_id=r.sender_id,
            sent_at=r.created_at,
            unread_count=int(r.unread_count),
        )
        for r in rows
    ], total


async def message_position(
    session: AsyncSession, message_id: uuid.UUID, me: uuid.UUID, other: uuid.UUID
) -> datetime | None:
    """The time of a message of the conversation between `me` and `other`, else None."""
    result = await session.execute(
        select(Message.created_at).where(
            Message.id == message_id,
            ((Message.sender_id == me) & (Message.recipient_id == other))
            | ((Message.sender_id == other) & (Message.recipient_id == me)),
        )
    )
    return result.scalar_one_or_none()


async def history(
    session: AsyncSession,
    me: uuid.UUID,
    other: uuid.UUID,
    limit: int,
    before: tuple[datetime, uuid.UUID] | None,
) -> list[HistoryRow]:
    """The `limit` newest messages between two users before `before` (newest first)."""

    def direction(sender: uuid.UUID, recipient: uuid.UUID) -> Select[Message]:
        query = select(Message).where(
            Message.sender_id == sender, Message.recipient_id == recipient
        )
        if before is not None:
            at, message_id = before
            # The plain bound is what the index can use; the row comparison breaks ties.
            query = query.where(
                Message.created_at <= at,
                tuple_(Message.created_at, Message.id) < tuple_(at, message_id),
            )
        return query.order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)

    both = direction(me, other).union_all(direction(other, me)).subquery()
    query = select(both).order_by(both.c.created_at.desc(), both.c.id.desc()).limit(limit)
    rows = (await session.execute(query)).all()
    return [
        HistoryRow(
            id=r.id,
            sender_id=r.sender_id,
            recipient_id=r.recipient_id,
            content=r.content,
            material_id=r.material_id,
            created_at=r.created_at,
            read_at=r.read_at,
        )
        for r in rows
    ]


async def mark_read(session: AsyncSession, me: uuid.UUID, sender: uuid.UUID) -> int:
    """Mark what `sender` sent to `me` as read; returns how many messages were unread."""
    return await execute_rowcount(
        session,
        update(Message)
        .where(
            Message.recipient_id == me,
            Message.sender_id == sender,
            Message.read_at.is_(None),
        )
        .values(read_at=func.clock_timestamp()),
    )
