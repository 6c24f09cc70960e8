"""A user's notifications and their emails as stored, for tests of the writes that make them."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.notifications.models import Notification, OutboxEmail


async def notifications_of(session: AsyncSession, user_id: uuid.UUID) -> list[Notification]:
    found = await session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    )
    return list(found)


async def emailed(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """The addresses of the emails in the outbox for `user_id`'s notifications."""
    found = await session.scalars(
        select(OutboxEmail.to_address)
        .join(Notification, Notification.id == OutboxEmail.notification_id)
        .where(Notification.user_id == user_id)
    )
    return list(found)
