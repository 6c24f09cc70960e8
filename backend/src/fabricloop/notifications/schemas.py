import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fabricloop.notifications.kinds import KIND_NAMES

MAX_IDS = 100


class NotificationOut(BaseModel):
    notification_id: uuid.UUID
    kind: str = Field(description=f"One of: {', '.join(KIND_NAMES)}.")
    title: str
    body: str
    link: str | None = Field(description="A path of the web app, e.g. /transactions/{id}.")
    created_at: datetime
    read_at: datetime | None


class NotificationList(BaseModel):
    notifications: list[NotificationOut] = Field(description="Unread first, then newest first.")
    unread_count: int
    total: int
    page: int
    limit: int


class MarkReadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notification_ids: list[uuid.UUID] | None = Field(
        None,
        max_length=MAX_IDS,
        description=(
            "The notifications to mark read; omitted or null: all of them. Ids that are not "
            "the caller's unread notifications are ignored."
        ),
    )


class MarkReadResult(BaseModel):
    marked: int = Field(description="How many notifications this request marked read.")
    unread_count: int


def _known_kinds(value: dict[str, bool]) -> dict[str, bool]:
    unknown = sorted(set(value) - set(KIND_NAMES))
    if unknown:
        raise ValueError(f"Unknown notification kinds: {', '.join(unknown[:5])}.")
    return value


class NotificationSettings(BaseModel):
    email: dict[str, bool] = Field(
        description="Per kind, whether it is also emailed (every kind is, unless turned off)."
    )


class NotificationSettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: dict[str, bool] = Field(
        description="The kinds to change; kinds left out keep their setting.",
        max_length=len(KIND_NAMES),
    )

    _kinds = field_validator("email")(_known_kinds)


class Unsubscribed(BaseModel):
    kind: str
    email: bool = Field(description="Always false: this kind is no longer emailed.")
