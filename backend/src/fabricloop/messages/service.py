"""Messaging rules: who may write to whom, about what, and reading marks messages read."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.db import Companion
from fabricloop.core.events import publish_after_commit
from fabricloop.core.pagination import Page
from fabricloop.materials import service as materials_service
from fabricloop.materials.errors import MaterialNotFound
from fabricloop.messages import repository
from fabricloop.messages.errors import (
    InvalidBefore,
    RecipientNotFound,
    UserNotFound,
    message_to_self,
)
from fabricloop.messages.schemas import (
    PREVIEW_LENGTH,
    Conversation,
    ConversationList,
    LastMessage,
    MaterialRef,
    MessageHistory,
    MessageOut,
    SendMessageRequest,
    SentMessage,
)
from fabricloop.notifications import service as notifications

# A timestamp cursor sorts after no message of its instant: (t, the smallest UUID).
_SMALLEST_ID = uuid.UUID(int=0)


@dataclass(frozen=True)
class Notice:
    """How the recipient is told of a message that stands for another event (an offer's
    round): its notification kind, title and link instead of a plain `message_received`."""

    kind: str
    title: str
    link: str


async def send(
    session: AsyncSession, sender: User, data: SendMessageRequest, notice: Notice | None = None
) -> SentMessage:
    if data.recipient_id == sender.id:
        raise message_to_self()
    if notice is None:
        notice = Notice(
            "message_received", f"New message from {sender.company_name}", f"/messages/{sender.id}"
        )
    # The recipient's notification is written by the message's statement, only with it.
    told = notifications.recording(
        data.recipient_id,
        notice.kind,
        notice.title,
        data.content[:PREVIEW_LENGTH],
        notice.link,
        anchor=repository.SENT,
    )
    sent = await _store(session, sender, data, told)
    message_id, sent_at = sent["id"], sent["created_at"]
    live = {
        "message_id": str(message_id),
        "sender_id": str(sender.id),
        "recipient_id": str(data.recipient_id),
        "material_id": str(data.material_id) if data.material_id else None,
        "content": data.content,
        "sent_at": SentMessage(message_id=message_id, sent_at=sent_at).model_dump(mode="json")[
            "sent_at"
        ],
    }
    for party in (data.recipient_id, sender.id):
        publish_after_commit(session, party, "message", live)
    notifications.announce(session, told, sent)
    return SentMessage(message_id=message_id, sent_at=sent_at)


async def _store(
    session: AsyncSession, sender: User, data: SendMessageRequest, notice: Companion
) -> Any:
    """The message stored (with `notice`), its recipient and listing checked in the same
    statement: the statement's row. When it stores nothing, why (in a later snapshot: a
    listing published or an account restored in between is tried once more)."""
    for _ in range(2):
        sent = await repository.add_message(
            session, sender.id, data.recipient_id, data.material_id, data.content, notice
        )
        if sent is not None:
            return sent
        if not await repository.active_user_exists(session, data.recipient_id):
            raise RecipientNotFound()
        if data.material_id is not None and not await repository.material_visible_to(
            session, data.material_id, sender.id
        ):
            raise MaterialNotFound()
    raise RecipientNotFound()


async def unread_count(session: AsyncSession, user: User) -> int:
    return await repository.unread_count(session, user.id)


async def conversations(session: AsyncSession, user: User, page: Page) -> ConversationList:
    rows, total = await repository.conversations(session, user.id, page.limit, page.offset)
    return ConversationList(
        conversations=[
            Conversation(
                user_id=row.user_id,
                company_name=row.company_name,
                last_message=LastMessage(
                    content=row.preview, sender_id=row.sender_id, sent_at=row.sent_at
                ),
                unread_count=row.unread_count,
                updated_at=row.sent_at,
            )
            for row in rows
        ],
        total=total,
        page=page.page,
        limit=page.limit,
    )


def _parse_timestamp(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:  # a timestamp without offset is read as UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


async def _cursor(
    session: AsyncSession, me: uuid.UUID, other: uuid.UUID, before: str
) -> tuple[datetime, uuid.UUID]:
    try:
        message_id = uuid.UUID(before)
    except ValueError:
        at = _parse_timestamp(before)
        if at is None:
            raise InvalidBefore() from None
        return at, _SMALLEST_ID
    position = await repository.message_position(session, message_id, me, other)
    if position is None:
        raise InvalidBefore()
    return position, message_id


async def history(
    session: AsyncSession, user: User, other_id: uuid.UUID, limit: int, before: str | None
) -> MessageHistory:
    if not await repository.user_exists(session, other_id):
        raise UserNotFound()
    cursor = await _cursor(session, user.id, other_id, before) if before is not None else None
    if await repository.mark_read(session, user.id, other_id):
        # The sender's open thread shows "Read" without polling (the live stream is up).
        publish_after_commit(session, other_id, "messages_read", {"reader_id": str(user.id)})
    rows = await repository.history(session, user.id, other_id, limit + 1, cursor)
    has_more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    # Named only while the caller may still see the listing (the message keeps its text).
    titles = await materials_service.titles_visible_to(
        session, {row.material_id for row in rows if row.material_id is not None}, user
    )
    return MessageHistory(
        messages=[
            MessageOut(
                message_id=row.id,
                sender_id=row.sender_id,
                recipient_id=row.recipient_id,
                content=row.content,
                material=(
                    MaterialRef(material_id=row.material_id, title=titles[row.material_id])
                    if row.material_id in titles
                    else None
                ),
                sent_at=row.created_at,
                read_at=row.read_at,
            )
            for row in rows
        ],
        has_more=has_more,
    )
