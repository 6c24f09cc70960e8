import unicodedata
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from fabricloop.transactions.schemas import JsonDecimal

RefundStatus = Literal["succeeded", "pending", "failed"]


def _number_only(value: object) -> object:
    if isinstance(value, str | bool):
        raise ValueError("Must be a JSON number.")
    return value


def _text(value: str) -> str:
    """Line breaks and tabs are fine in a reason; other control characters are not."""
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value):
        raise ValueError("Control characters are not allowed.")
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_number_only),
    Field(gt=0, max_digits=14, decimal_places=2, examples=[12.5]),
]


class RefundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Annotated[
        Money | None,
        Field(
            description="At most 2 decimals; absent: all that is left to refund. More than is "
            "left: 422 `refund_exceeds_remaining`."
        ),
    ] = None
    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
        AfterValidator(_text),
    ]


class RefundOut(BaseModel):
    refund_id: uuid.UUID
    transaction_id: uuid.UUID
    amount: JsonDecimal
    currency: str
    status: RefundStatus
    reason: str
    created_at: datetime


class RefundList(BaseModel):
    refunds: list[RefundOut]
