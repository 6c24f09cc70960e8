"""Notifications: recorded in the transaction of the event that causes them, with the email
written to the outbox in that same transaction (nothing for a change rolled back, nothing lost
when a process dies). Other domains call `notify`, or have their own statement write one
(`recording`, then `announce`)."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import CTE

from fabricloop.auth.models import User
from fabricloop.core.db import Companion
from fabricloop.core.events import publish_after_commit
from fabricloop.core.pagination import Page
from fabricloop.core.queue import enqueue_after_commit
from fabricloop.notifications import repository
from fabricloop.notifications.email import read_unsubscribe_token
from fabricloop.notifications.errors import InvalidUnsubscribeToken
from fabricloop.notifications.kinds import KIND_NAMES, KINDS
from fabricloop.notifications.models import Notification
from fabricloop.notifications.schemas import (
    MarkReadResult,
    NotificationList,
    NotificationOut,
    NotificationSettings,
    NotificationSettingsUpdate,
    Unsubscribed,
)

# The worker's job sending the outbox (fabricloop/worker.py).
SEND_EMAILS = "send_emails"
MAX_TITLE = 200
MAX_BODY = 2000
# A live notification carries the user's unread count up to this (more reads as this): enough
# for a badge ("99+"), and a user who never opens the list doesn't make every notification sent
# to them slower. GET /api/notifications counts them all.
LIVE_UNREAD_CAP = 100


def _now() -> datetime:
    return datetime.now(UTC)


def _clip(text: str, limit: int) -> str:
    text = text.replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def recording(
    user_id: uuid.UUID,
    kind: str,
    title: str,
    body: str,
    link: str | None = None,
    anchor: CTE | None = None,
) -> Companion:
    """A notification for `user_id` that another domain's statement writes (a `Companion`), once
    for each row its WITH clause `anchor` gives (none: once); its email is queued with it
    unless the user turned `kind` off. `link` is a path of the web app. Its writer hands the
    row its statement returned to `announce`."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}: add it to notifications.kinds")
    return repository.recording(
        user_id,
        kind,
        _clip(title, MAX_TITLE),
        _clip(body, MAX_BODY),
        link,
        count_up_to=LIVE_UNREAD_CAP,
        anchor=anchor,
    )


def announce(session: AsyncSession, companion: Companion, row: Any) -> None:
    """Once the statement that wrote `companion` returned `row`: its email sent and its live
    event published after the commit."""
    _announce(session, *repository.recorded(companion, row))


def _announce(
    session: AsyncSession, notification: Notification, address: str | None, unread: int
) -> None:
    if address is not None:
        enqueue_after_commit(session, SEND_EMAILS)
    live = _out(notification).model_dump(mode="json")
    live["unread_count"] = unread
    publish_after_commit(session, notification.user_id, "notification", live)


async def notify(
    session: AsyncSession,
    user_id: uuid.UUID,
    kind: str,
    title: str,
    body: str,
    link: str | None = None,
) -> Notification:
    """Record a notification for `user_id` in the caller's transaction and queue its email
    unless the user turned `kind` off, in one statement of its own. `link` is a path of the
    web app."""
    return await record(session, recording(user_id, kind, title, body, link))


async def record(session: AsyncSession, companion: Companion) -> Notification:
    """`recording`'s notification (without an anchor) written by a statement of its own, as
    `notify` writes one."""
    notification, address, unread = await repository.record(session, companion)
    _announce(session, notification, address, unread)
    return notification


def _out(notification: Notification) -> NotificationOut:
    return NotificationOut(
        notification_id=notification.id,
        kind=notification.kind,
        title=notification.title,
        body=notification.body,
        link=notification.link,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )


async def list_notifications(session: AsyncSession, user: User, page: Page) -> NotificationList:
    rows = await repository.page(session, user.id, page.limit, page.offset)
    total, unread = await repository.counts(session, user.id)
    return NotificationList(
        notifications=[_out(row) for row in rows],
        unread_count=unread,
        total=total,
        page=page.page,
        limit=page.limit,
    )


async def mark_read(
    session: AsyncSession, user: User, ids: list[uuid.UUID] | None
) -> MarkReadResult:
    marked = await repository.mark_read(session, user.id, ids, _now())
    return MarkReadResult(
        marked=marked, unread_count=await repository.unread_count(session, user.id)
    )


async def get_settings(session: AsyncSession, user: User) -> NotificationSettings:
    chosen = await repository.email_settings(session, user.id)
    return NotificationSettings(email={kind: chosen.get(kind, True) for kind in KIND_NAMES})


async def update_settings(
    session: AsyncSession, user: User, data: NotificationSettingsUpdate
) -> NotificationSettings:
    await repository.set_email_settings(session, user.id, data.email)
    return await get_settings(session, user)


async def unsubscribe(session: AsyncSession, secret: str, token: str) -> Unsubscribed:
    """Turn off the email of the kind an email's unsubscribe link names."""
    parsed = read_unsubscribe_token(secret, token)
    if parsed is None:
        raise InvalidUnsubscribeToken()
    user_id, kind = parsed
    await repository.set_email_settings(session, user_id, {kind: False})
    return Unsubscribed(kind=kind, email=False)
