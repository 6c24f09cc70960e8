import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from fabricloop.companies.schemas import CompanyOut
from fabricloop.transactions.schemas import JsonDecimal

AccountRole = Literal["manufacturer", "brand", "admin"]


class AdminUserSummary(BaseModel):
    user_id: uuid.UUID
    email: str
    company_name: str
    role: AccountRole
    verified: bool
    suspended: bool
    has_company_details: bool
    created_at: datetime


class AdminUserList(BaseModel):
    users: list[AdminUserSummary]
    total: int
    page: int
    limit: int


class AdminUserDetail(AdminUserSummary):
    phone: str | None
    verified_at: datetime | None
    suspended_at: datetime | None
    suspension_reason: str | None
    deleted_at: datetime | None = Field(description="Set when the user deleted the account.")
    company: CompanyOut | None = Field(description="The company details, if given.")
    listings: int = Field(description="Listings not deleted, any status.")
    orders_as_buyer: int
    orders_as_seller: int
    open_reports: int = Field(description="Open reports on the user's listings.")


class UserModerated(BaseModel):
    user_id: uuid.UUID
    suspended: bool
    suspended_at: datetime | None
    suspension_reason: str | None
    listings_changed: int = Field(
        description="Listings withheld by a suspension, or returned by an unsuspension."
    )
    orders_cancelled: int = Field(
        default=0,
        description="Unpaid orders of the account (as buyer or seller) a suspension cancelled, "
        "their stock returned; 0 for an unsuspension.",
    )


class CurrencyFigures(BaseModel):
    currency: str
    orders: int = Field(description="Orders paid in the range.")
    gmv: JsonDecimal = Field(
        description="Gross merchandise value: their totals (goods + delivery)."
    )
    refunded: JsonDecimal = Field(description="Refunded on those orders so far.")
    platform_fees: JsonDecimal = Field(description="The platform's commission on them.")


class AccountFigures(BaseModel):
    total: int
    by_role: dict[str, int]


class DisputeFigures(BaseModel):
    open: int = Field(description="Open now, whenever opened.")
    opened: int = Field(description="Opened in the range.")
    resolved: int = Field(description="Resolved in the range.")


class ImpactFigures(BaseModel):
    purchases: int
    quantity_kg: JsonDecimal
    carbon_saved: JsonDecimal = Field(description="kg CO2e avoided versus virgin material.")
    water_saved: JsonDecimal = Field(description="Litres avoided versus virgin material.")


class PlatformStats(BaseModel):
    start_date: date
    end_date: date
    by_currency: list[CurrencyFigures]
    orders_by_status: dict[str, int] = Field(
        description="Orders placed in the range, by their current status (every status "
        "present, zero included)."
    )
    disputes: DisputeFigures
    new_accounts: AccountFigures
    impact: ImpactFigures


class LedgerEntryOut(BaseModel):
    entry_id: uuid.UUID
    position: int
    kind: str
    amount: JsonDecimal
    currency: str
    reference: str | None
    created_at: datetime


class LedgerOut(BaseModel):
    transaction_id: uuid.UUID
    entries: list[LedgerEntryOut]
    charges: JsonDecimal
    refunds: JsonDecimal
    fees: JsonDecimal
    transferred: JsonDecimal = Field(description="Transfers minus reversals.")
    held: JsonDecimal = Field(description="What the platform holds for the seller.")
    consistent: bool = Field(
        description="The entries agree with the order (`fabricloop reconcile`)."
    )
    problems: list[str]
