import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Record = dict[str, Any]


class DeletionScheduled(BaseModel):
    status: Literal["scheduled"] = "scheduled"
    delete_after: datetime = Field(
        description="When personal data will be anonymised; the account is inactive already."
    )


class Counterpart(BaseModel):
    user_id: uuid.UUID
    company_name: str


class AccountExport(BaseModel):
    """Everything FabricLoop holds about the account, as one document."""

    exported_at: datetime
    format_version: Literal[1] = 1
    profile: Record
    materials: list[Record] = Field(
        description="The user's listings, each with its metrics, images and passport "
        "(with its change history)."
    )
    images: list[Record] = Field(description="Every image the user uploaded.")
    transactions: list[Record] = Field(
        description="Purchases and sales; `role` says which side the user was on. The buyer's "
        "shipping address is included on purchases only."
    )
    payments: list[Record] = Field(description="Payment attempts of those transactions.")
    messages: list[Record] = Field(description="Messages sent and received.")
    offers: list[Record] = Field(
        default_factory=list,
        description="Offers made and received, with every round; `role` says which side the "
        "user was on. The buyer's shipping address is included on the buyer's side only.",
    )
    saved_searches: list[Record] = Field(
        default_factory=list, description="Saved searches, with their parameters and alerts."
    )
    sessions: list[Record] = Field(description="Sign-ins (refresh tokens), without the tokens.")
    users: list[Counterpart] = Field(
        description="The other users these records mention: their id and company name only."
    )
