import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_CONTENT = 5000
PREVIEW_LENGTH = 140


def _text_content(value: str) -> str:
    # Stored verbatim, but it must be storable and say something: PostgreSQL text rejects NUL,
    # and lone surrogates cannot be encoded as UTF-8.
    if not value.strip():
        raise ValueError("The message is empty.")
    if "\x00" in value:
        raise ValueError("The message contains a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("The message is not valid Unicode text.") from None
    return value


Content = Annotated[
    str,
    Field(min_length=1, max_length=MAX_CONTENT, description="Plain text, stored verbatim."),
    AfterValidator(_text_content),
]


class SendMessageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient_id: uuid.UUID
    material_id: uuid.UUID | None = Field(
        None, description="The listing this message is about (optional)."
    )
    content: Content


class SentMessage(BaseModel):
    message_id: uuid.UUID
    sent_at: datetime


class MaterialRef(BaseModel):
    material_id: uuid.UUID
    title: str


class MessageOut(BaseModel):
    message_id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID
    content: str
    material: MaterialRef | None
    sent_at: datetime
    read_at: datetime | None


class MessageHistory(BaseModel):
    messages: list[MessageOut] = Field(description="Oldest first.")
    has_more: bool = Field(description="Whether older messages exist before the first one.")


class LastMessage(BaseModel):
    content: str = Field(description=f"The first {PREVIEW_LENGTH} characters of the message.")
    sender_id: uuid.UUID
    sent_at: datetime


class Conversation(BaseModel):
    user_id: uuid.UUID
    company_name: str
    last_message: LastMessage
    unread_count: int
    updated_at: datetime


class ConversationList(BaseModel):
    conversations: list[Conversation] = Field(description="Newest activity first.")
    total: int
    page: int
    limit: int


class UnreadCount(BaseModel):
    unread_count: int
