import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from fabricloop.transactions.schemas import JsonDecimal

DisputeReason = Literal["not_received", "not_as_described", "damaged", "other"]


def _text(value: str) -> str:
    """Line breaks and tabs are fine; other control characters are not."""
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value):
        raise ValueError("Control characters are not allowed.")
    return value


Text5000 = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    AfterValidator(_text),
]


class DisputeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: DisputeReason
    details: Text5000


class DisputeCreated(BaseModel):
    dispute_id: uuid.UUID
    status: Literal["open", "resolved"]
    transaction_id: uuid.UUID
    created_at: datetime


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: Text5000


class DisputeMessageOut(BaseModel):
    message_id: uuid.UUID
    author_id: uuid.UUID | None
    author_role: Literal["buyer", "seller", "operator"]
    content: str
    created_at: datetime


class DisputeDetail(BaseModel):
    dispute_id: uuid.UUID
    transaction_id: uuid.UUID
    source: Literal["buyer", "card"]
    reason: DisputeReason
    details: str
    status: Literal["open", "resolved"]
    outcome: Literal["refund_full", "refund_partial", "release"] | None
    refunded_amount: JsonDecimal
    messages: list[DisputeMessageOut]
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None


class DisputeSummary(BaseModel):
    dispute_id: uuid.UUID
    source: Literal["buyer", "card"]
    reason: DisputeReason
    status: Literal["open", "resolved"]
    outcome: Literal["refund_full", "refund_partial", "release"] | None
    created_at: datetime
    resolved_at: datetime | None


class DisputeList(BaseModel):
    disputes: list[DisputeSummary]
