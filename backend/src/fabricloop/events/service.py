"""Who may open an event stream: the holder of an access token, or of a one-time ticket
(EventSource cannot send an Authorization header). The stream itself holds no database
connection: the caller is authenticated in a short transaction of its own."""

import secrets
import uuid

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth import service as auth_service
from fabricloop.auth.errors import InvalidSession
from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.errors import ServiceUnavailable
from fabricloop.events.schemas import EventTicket

TICKET_TTL_SECONDS = 60
_TICKET_KEY = "fabricloop:events:ticket:"


async def issue_ticket(redis: Redis, user: User) -> EventTicket:
    ticket = secrets.token_urlsafe(32)
    try:
        await redis.set(_TICKET_KEY + ticket, str(user.id), ex=TICKET_TTL_SECONDS)
    except RedisError as error:
        raise ServiceUnavailable() from error
    return EventTicket(ticket=ticket, expires_in=TICKET_TTL_SECONDS)


async def _redeem(redis: Redis, ticket: str) -> uuid.UUID | None:
    try:
        raw = await redis.getdel(_TICKET_KEY + ticket)
    except RedisError as error:
        raise ServiceUnavailable() from error
    if not raw:
        return None
    return uuid.UUID(raw.decode() if isinstance(raw, bytes) else raw)


async def stream_owner(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis: Redis,
    token: str | None,
    ticket: str | None,
) -> uuid.UUID:
    """The active user the stream is for; InvalidSession otherwise."""
    async with sessionmaker() as session:
        if token is not None:
            return (await auth_service.authenticate(session, settings, token)).id
        if ticket is not None and len(ticket) <= 100:
            user_id = await _redeem(redis, ticket)
            if user_id is not None and await auth_service.active_user(session, user_id):
                return user_id
    raise InvalidSession()
