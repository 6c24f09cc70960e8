import unicodedata
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StringConstraints,
)

from fabricloop.core.countries import COUNTRY_CODES
from fabricloop.core.vocabulary import TRANSACTION_STATUSES
from fabricloop.shipping.tracking import Carrier

TransactionStatus = Literal["pending", "paid", "shipped", "completed", "cancelled"]
PayoutStatus = Literal["none", "held", "scheduled", "paid", "reversed"]
assert set(TransactionStatus.__args__) == set(TRANSACTION_STATUSES)  # type: ignore[attr-defined]


def _number_only(value: object) -> object:
    # Quantities are JSON numbers; "10" or true would be silently coerced otherwise.
    if isinstance(value, str | bool):
        raise ValueError("Must be a JSON number.")
    return value


# Money and quantities leave the server as JSON numbers (Decimal would be a string); at these
# magnitudes (<= 14 significant digits) the float's shortest form is the exact decimal.
JsonDecimal = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


def _plain_text(value: str) -> str:
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise ValueError("Control characters are not allowed.")
    return value


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _country(value: str) -> str:
    code = value.upper()
    if code not in COUNTRY_CODES:
        raise ValueError("Must be an ISO 3166-1 alpha-2 country code such as PT.")
    return code


_Stripped = StringConstraints(strip_whitespace=True, min_length=1)
Text20 = Annotated[str, _Stripped, Field(max_length=20), AfterValidator(_plain_text)]
Text64 = Annotated[str, _Stripped, Field(max_length=64), AfterValidator(_plain_text)]
Text100 = Annotated[str, _Stripped, Field(max_length=100), AfterValidator(_plain_text)]
Text200 = Annotated[str, _Stripped, Field(max_length=200), AfterValidator(_plain_text)]
OptionalText100 = Annotated[Text100 | None, BeforeValidator(_blank_is_none)]
OptionalText200 = Annotated[Text200 | None, BeforeValidator(_blank_is_none)]
TransactionKind = Literal["order", "sample"]
LotCode = Annotated[str, _Stripped, Field(max_length=64), AfterValidator(_plain_text)]


class ShippingAddress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient_name: Text200
    line1: Text200
    line2: OptionalText200 = None
    city: Text100
    region: OptionalText100 = None
    postal_code: Text20
    country: Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_country)] = (
        Field(examples=["PT"])
    )


class TransactionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    material_id: uuid.UUID
    kind: Annotated[
        TransactionKind,
        Field(
            description="`order` (the bulk) or `sample`: one sample at the listing's "
            "`sample_price` (quantity 1, unit `piece`), no bulk stock touched; a free one is "
            "`paid` at once."
        ),
    ] = "order"
    quantity: Annotated[
        Annotated[
            Decimal,
            BeforeValidator(_number_only),
            Field(gt=0, max_digits=14, decimal_places=3),
        ]
        | None,
        Field(
            description="At most 3 decimals; whole numbers for roll and piece. Required for "
            "an order; a sample's is 1 (leave it out).",
        ),
    ] = None
    lot_code: Annotated[
        LotCode | None,
        Field(description="Required for a listing sold by lot: the lot the stock comes from."),
    ] = None
    expected_unit_price: (
        Annotated[
            Decimal,
            BeforeValidator(_number_only),
            Field(ge=0, max_digits=14, decimal_places=2),
        ]
        | None
    ) = Field(
        None,
        description="The unit price the buyer was shown: when the listing's price differs, "
        "409 `price_changed` and nothing is ordered.",
    )
    shipping_address: Annotated[
        ShippingAddress | None,
        Field(description="Required unless `pickup` is true."),
    ] = None
    purchase_order_reference: Annotated[
        Annotated[Text64 | None, BeforeValidator(_blank_is_none)],
        Field(
            description="The buyer's own purchase-order number (1-64 characters, no control "
            "characters), printed on the invoice; blank means none."
        ),
    ] = None
    pickup: Annotated[
        StrictBool,
        Field(
            description="Collect from the seller instead of delivery, where the seller's "
            "shipping profile offers it (else 422 `pickup_unavailable`): no shipping price, "
            "no address needed."
        ),
    ] = False


ShippingMethod = Literal["zone", "pickup", "arranged_by_seller"]
_METHOD = Field(
    description="`zone`: priced by the seller's shipping zone for the address's country; "
    "`pickup`: collected from the seller; `arranged_by_seller`: the seller has no shipping "
    "profile and arranges delivery (shipping_price 0)."
)


class Shipping(BaseModel):
    goods_total: JsonDecimal = Field(description="unit_price x quantity, half-up to cents.")
    shipping_price: JsonDecimal = Field(description="Fixed when the order was placed.")
    shipping_method: Annotated[ShippingMethod, _METHOD]


class TransactionCreated(Shipping):
    transaction_id: uuid.UUID
    status: TransactionStatus
    total: JsonDecimal = Field(description="goods_total + shipping_price.")
    currency: str
    created_at: datetime


class Party(BaseModel):
    user_id: uuid.UUID
    company_name: str
    verified: bool = Field(description="The operator has verified the company's details.")


class StatusChange(BaseModel):
    status: TransactionStatus
    at: datetime


class EstimatedDays(BaseModel):
    min: int
    max: int


class TransactionSummary(Shipping):
    transaction_id: uuid.UUID
    kind: TransactionKind
    material_id: uuid.UUID
    material_title: str
    lot_code: str | None
    quantity: JsonDecimal
    unit: str
    unit_price: JsonDecimal
    total: JsonDecimal
    currency: str
    status: TransactionStatus
    buyer: Party
    seller: Party
    created_at: datetime
    updated_at: datetime


class TransactionDetail(TransactionSummary):
    purchase_order_reference: str | None = Field(
        description="The buyer's purchase-order number given at checkout, if any."
    )
    shipping_address: ShippingAddress | None = Field(
        description="Null for a pickup order, and for an order made from an accepted offer "
        "that gave no address (the parties agree on delivery in their conversation)."
    )
    status_history: list[StatusChange]
    incoterm: Literal["EXW", "FCA", "DAP", "DDP"] | None
    estimated_days: EstimatedDays | None = Field(
        description="Days from payment to delivery as quoted when the order was placed "
        "(handling + transit); null when the seller arranges shipping."
    )
    estimated_delivery_date: date | None = Field(
        description="The latest day delivery is expected: the payment's day (the order's day "
        "while unpaid) plus `estimated_days.max` calendar days."
    )
    carrier: Carrier | None
    tracking_number: str | None
    tracking_url: str | None = Field(
        description="The carrier's tracking page; null for `other` carriers or no number."
    )
    expires_at: datetime = Field(description="An unpaid (pending) order is cancelled after this.")
    paid_at: datetime | None
    platform_fee: JsonDecimal | None = Field(
        description="The platform's commission (`PLATFORM_FEE_PERCENT` of what the buyer "
        "keeps paid); to the seller only, null for the buyer and until paid."
    )
    seller_payout: JsonDecimal | None = Field(
        description="`total - platform_fee - refunded_amount`; to the seller only."
    )
    refunded_amount: JsonDecimal
    payout_status: PayoutStatus = Field(
        description="`none` (unpaid or refunded in full before payout), `held` (paid, not "
        "yet completed, or disputed), `scheduled`, `paid`, `reversed`."
    )


class TransactionList(BaseModel):
    transactions: list[TransactionSummary]
    total: int
    page: int
    limit: int


class StatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: TransactionStatus = Field(
        description="`shipped` (seller, from paid), `completed` (buyer, from shipped), "
        "`cancelled` (either party while pending; the seller while paid, with a full refund)."
    )
    tracking_number: Annotated[OptionalText100, Field(description="Only with `shipped`.")] = None
    carrier: Annotated[Carrier | None, Field(description="Only with `shipped`.")] = None


class StatusUpdated(BaseModel):
    transaction_id: uuid.UUID
    status: TransactionStatus
    updated_at: datetime
