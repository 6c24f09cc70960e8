import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import InvalidSession
from fabricloop.core.db import DbSession, one_statement
from fabricloop.core.errors import InvalidQuery, Unprocessable, responses
from fabricloop.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Pagination
from fabricloop.materials.errors import MaterialNotFound
from fabricloop.messages import service
from fabricloop.messages.errors import (
    InvalidBefore,
    RecipientNotFound,
    UserNotFound,
)
from fabricloop.messages.schemas import (
    ConversationList,
    MessageHistory,
    SendMessageRequest,
    SentMessage,
    UnreadCount,
)

router = APIRouter(prefix="/api/messages", tags=["messages"])

Before = Annotated[
    str | None,
    Query(
        max_length=64,
        description=(
            "Return the messages just before this point: a message id of this conversation, "
            "or an RFC 3339 timestamp. Omit it for the newest messages."
        ),
    ),
]
Limit = Annotated[
    int,
    Query(ge=1, description=f"How many messages; values above {MAX_LIMIT} are clamped."),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(InvalidSession, RecipientNotFound, MaterialNotFound, Unprocessable),
)
@one_statement  # the message and its recipient's notification: one statement, nothing else
async def create_message(
    data: SendMessageRequest, user: CurrentUser, session: DbSession
) -> SentMessage:
    """Send a message to another user, optionally about a listing."""
    return await service.send(session, user, data)


@router.get("/conversations", responses=responses(InvalidSession, InvalidQuery))
async def list_conversations(
    user: CurrentUser, session: DbSession, page: Pagination
) -> ConversationList:
    """The caller's conversations, most recent activity first, with unread counts."""
    return await service.conversations(session, user, page)


@router.get("/unread-count", responses=responses(InvalidSession))
async def get_unread_count(user: CurrentUser, session: DbSession) -> UnreadCount:
    """How many messages the caller has not read yet."""
    return UnreadCount(unread_count=await service.unread_count(session, user))


@router.get(
    "/{user_id}",
    responses=responses(InvalidSession, InvalidBefore, UserNotFound),
)
async def get_conversation(
    user_id: uuid.UUID,
    user: CurrentUser,
    session: DbSession,
    before: Before = None,
    limit: Limit = DEFAULT_LIMIT,
) -> MessageHistory:
    """The messages with one user, oldest first; marks the caller's incoming ones read."""
    return await service.history(session, user, user_id, min(limit, MAX_LIMIT), before)
