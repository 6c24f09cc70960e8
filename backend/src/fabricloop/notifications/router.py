from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import InvalidSession
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppSettings
from fabricloop.core.errors import InvalidQuery, Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.notifications import service
from fabricloop.notifications.errors import InvalidUnsubscribeToken
from fabricloop.notifications.kinds import KINDS
from fabricloop.notifications.schemas import (
    MarkReadRequest,
    MarkReadResult,
    NotificationList,
    NotificationSettings,
    NotificationSettingsUpdate,
    Unsubscribed,
)

router = APIRouter(prefix="/api/notifications", tags=["notifications"])
settings_router = APIRouter(prefix="/api/account", tags=["account"])

Token = Annotated[str, Query(min_length=1, max_length=1000, description="From the email's link.")]


@router.get("", responses=responses(InvalidSession, InvalidQuery))
async def list_notifications(
    user: CurrentUser, session: DbSession, page: Pagination
) -> NotificationList:
    """The caller's notifications, unread first, with the unread count."""
    return await service.list_notifications(session, user, page)


@router.post("/read", responses=responses(InvalidSession, Unprocessable))
async def mark_notifications_read(
    user: CurrentUser, session: DbSession, data: MarkReadRequest | None = None
) -> MarkReadResult:
    """Mark the given notifications read, or all of them when none are given."""
    return await service.mark_read(session, user, data.notification_ids if data else None)


@router.post("/unsubscribe", responses=responses(InvalidUnsubscribeToken, InvalidQuery))
async def unsubscribe_one_click(
    token: Token, session: DbSession, settings: AppSettings
) -> Unsubscribed:
    """One-click unsubscribe (RFC 8058): stop emails of the kind the email's link names."""
    return await service.unsubscribe(session, settings.jwt_secret, token)


# The page an email's link opens (a person's, not a client's: the documented operation is the
# one-click POST above, which does the same).
@router.get("/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
async def unsubscribe(token: Token, session: DbSession, settings: AppSettings) -> HTMLResponse:
    """The unsubscribe link of an email: stops emails of its kind and says so."""
    done = await service.unsubscribe(session, settings.jwt_secret, token)
    label = KINDS[done.kind].lower()
    return HTMLResponse(
        '<!doctype html><html><head><meta charset="utf-8"><title>Unsubscribed</title></head>'
        f"<body><p>You will no longer get emails about {label}.</p>"
        '<p><a href="/account">Change your notification settings</a></p></body></html>'
    )


@settings_router.get("/notification-settings", responses=responses(InvalidSession))
async def get_notification_settings(user: CurrentUser, session: DbSession) -> NotificationSettings:
    """Which notification kinds are also emailed to the caller."""
    return await service.get_settings(session, user)


@settings_router.put("/notification-settings", responses=responses(InvalidSession, Unprocessable))
async def update_notification_settings(
    data: NotificationSettingsUpdate, user: CurrentUser, session: DbSession
) -> NotificationSettings:
    """Turn the email of notification kinds on or off."""
    return await service.update_settings(session, user, data)
