import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from fabricloop.disputes.schemas import DisputeDetail
from fabricloop.transactions.schemas import JsonDecimal

Outcome = Literal["refund_full", "refund_partial", "release"]


def _number_only(value: object) -> object:
    if isinstance(value, str | bool):
        raise ValueError("Must be a JSON number.")
    return value


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome = Field(
        description="`refund_full`: the buyer gets back all that is left to refund; "
        "`refund_partial`: `amount` of it, the seller is paid the rest; `release`: nothing "
        "is refunded and the seller is paid."
    )
    amount: Annotated[
        Annotated[
            Decimal,
            BeforeValidator(_number_only),
            Field(gt=0, max_digits=14, decimal_places=2),
        ]
        | None,
        Field(
            description="`refund_partial` only (required there, refused with the other "
            "outcomes): at most what is left to refund, else 422 `refund_exceeds_remaining`.",
        ),
    ] = None

    @model_validator(mode="after")
    def _amount_goes_with_partial(self) -> "ResolveBody":
        if self.outcome == "refund_partial" and self.amount is None:
            raise ValueError("amount: required for a partial refund.")
        if self.outcome != "refund_partial" and self.amount is not None:
            raise ValueError(f"amount: only a partial refund takes one, not {self.outcome}.")
        return self


class Party(BaseModel):
    user_id: uuid.UUID
    company_name: str


class DisputedOrder(BaseModel):
    transaction_id: uuid.UUID
    status: str
    material_id: uuid.UUID
    material_title: str
    quantity: JsonDecimal
    unit: str
    total: JsonDecimal
    currency: str
    platform_fee: JsonDecimal | None
    refunded_amount: JsonDecimal
    refundable: JsonDecimal = Field(description="What is left to refund.")
    payout_status: str
    carrier: str | None
    tracking_number: str | None
    paid_at: datetime | None
    status_history: list[dict[str, Any]] = Field(description="Each status with when it began.")
    buyer: Party
    seller: Party
    created_at: datetime


class DisputeCase(DisputeDetail):
    """The dispute as GET /api/disputes/{id} shows it (the buyer's account in `reason` and
    `details`, the whole thread of both parties and operators), with its order."""

    order: DisputedOrder


class DisputeCaseList(BaseModel):
    disputes: list[DisputeCase]
    total: int
    page: int
    limit: int
