import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from fabricloop.materials.schemas import Currency, Price, Quantity, Text
from fabricloop.transactions.schemas import JsonDecimal, LotCode, Party, ShippingAddress

OfferStatus = Literal["open", "accepted", "declined", "withdrawn", "expired"]
Side = Literal["buyer", "seller"]
Note = Annotated[Text, Field(min_length=1, max_length=2000)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfferCreate(Request):
    material_id: uuid.UUID
    quantity: Annotated[
        Quantity, Field(description="Checked as an order's: minimum, steps, whole units, lot.")
    ]
    unit_price: Annotated[Price, Field(description="The price per unit proposed.")]
    currency: Annotated[Currency, Field(description="The listing's currency (422 otherwise).")]
    lot_code: LotCode | None = None
    message: Annotated[
        Note | None, Field(description="Added to the round's message in the conversation.")
    ] = None
    shipping_address: Annotated[
        ShippingAddress | None,
        Field(description="Where the order goes if the offer is accepted (optional)."),
    ] = None


class Counter(Request):
    quantity: Quantity
    unit_price: Price
    message: Note | None = None


class Accept(Request):
    shipping_address: Annotated[
        ShippingAddress | None,
        Field(description="The buyer, accepting, may give or replace the order's address."),
    ] = None


class Round(BaseModel):
    by: Side
    quantity: JsonDecimal
    unit_price: JsonDecimal
    at: datetime


class OfferOut(BaseModel):
    offer_id: uuid.UUID
    material_id: uuid.UUID
    material_title: str
    buyer: Party
    seller: Party
    lot_code: str | None
    quantity: JsonDecimal = Field(description="Of the latest round.")
    unit_price: JsonDecimal = Field(description="Of the latest round.")
    currency: str
    status: OfferStatus
    next_by: Side | None = Field(description="Whose turn it is while open; null otherwise.")
    expires_at: datetime
    rounds: list[Round]
    transaction_id: uuid.UUID | None = Field(description="The order an acceptance created.")
    created_at: datetime
    updated_at: datetime


class OfferList(BaseModel):
    offers: list[OfferOut]
    total: int
    page: int
    limit: int
