import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from fabricloop.transactions.schemas import JsonDecimal

AccountStatus = Literal["not_started", "pending", "enabled", "restricted"]


class AccountOut(BaseModel):
    status: AccountStatus
    payouts_enabled: bool


class AccountStarted(BaseModel):
    status: AccountStatus
    onboarding_url: str = Field(
        description="Stripe Connect's hosted onboarding (an account link, valid for minutes); "
        "in the sandbox, a page of this app whose form posts to "
        "`/api/payouts/account/sandbox/complete`."
    )


class PayoutOut(BaseModel):
    payout_id: uuid.UUID
    transaction_id: uuid.UUID
    amount: JsonDecimal = Field(description="What was transferred, less what was reversed.")
    currency: str
    status: Literal["paid", "reversed"]
    created_at: datetime


class Balance(BaseModel):
    currency: str
    held: JsonDecimal = Field(
        description="Paid orders not yet completed, disputed, or "
        "completed while you had no enabled payout account."
    )
    scheduled: JsonDecimal = Field(description="Completed; the transfer is being retried.")
    paid: JsonDecimal


class PayoutList(BaseModel):
    payouts: list[PayoutOut]
    balances: list[Balance]
    total: int
    page: int
    limit: int
