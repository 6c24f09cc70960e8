"""Request and response models of shipping profiles and quotes."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, field_validator
from pydantic_core import PydanticCustomError

from fabricloop.materials.schemas import Country, JsonNumber, ShortText
from fabricloop.shipping.pricing import Method

Incoterm = Literal["EXW", "FCA", "DAP", "DDP"]
MAX_ZONES = 50
MAX_DAYS = 365
MAX_PRICE = 1_000_000


def _json_number(value: object) -> object:
    # Money is a JSON number: "10" or true would be silently coerced otherwise.
    if isinstance(value, str | bool):
        raise PydanticCustomError("number_type", "Must be a JSON number.")
    return value


def _whole(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "Must be a whole JSON number.")
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(ge=0, le=MAX_PRICE, max_digits=9, decimal_places=2, allow_inf_nan=False),
]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS), BeforeValidator(_whole)]


class ZoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[ShortText, Field(max_length=100, examples=["EU"])]
    countries: Annotated[
        list[Country],
        Field(
            min_length=1,
            max_length=250,
            description="ISO 3166-1 alpha-2 codes; a country belongs to at most one zone.",
            examples=[["DE", "FR", "ES"]],
        ),
    ]
    base_price: Annotated[Money, Field(description="Per order, in the listing's currency.")]
    price_per_kg: Annotated[Money, Field(description="Per kg of the order's mass.")]
    free_over: Annotated[
        Money | None,
        Field(description="Delivery is free when the goods total reaches this amount."),
    ] = None
    transit_days_min: Days
    transit_days_max: Days

    @field_validator("countries")
    @classmethod
    def _distinct(cls, countries: list[str]) -> list[str]:
        if len(set(countries)) != len(countries):
            raise ValueError("A country may appear once.")
        return countries

    @field_validator("transit_days_max")
    @classmethod
    def _not_below_min(cls, value: int, info: object) -> int:
        low = getattr(info, "data", {}).get("transit_days_min")
        if low is not None and value < low:
            raise ValueError("Must not be below transit_days_min.")
        return value


class ShippingProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ships_from: Annotated[Country, Field(examples=["PT"])]
    handling_days: Annotated[int, Field(ge=0, le=60), BeforeValidator(_whole)]
    incoterm: Incoterm
    zones: Annotated[list[ZoneIn], Field(max_length=MAX_ZONES)]
    pickup_available: StrictBool = False


class ZoneOut(BaseModel):
    name: str
    countries: list[str]
    base_price: JsonNumber
    price_per_kg: JsonNumber
    free_over: JsonNumber | None
    transit_days_min: int
    transit_days_max: int


class ShippingProfileOut(BaseModel):
    ships_from: str
    handling_days: int
    incoterm: Incoterm
    zones: list[ZoneOut]
    pickup_available: bool
    updated_at: datetime


class EstimatedDays(BaseModel):
    min: int
    max: int


class ShippingQuote(BaseModel):
    material_id: uuid.UUID
    country: str
    quantity: JsonNumber
    shipping_price: JsonNumber
    currency: str = Field(description="The listing's currency.")
    shipping_method: Method = Field(
        description="`zone`: priced by the seller's zone for the country; `pickup`: collected "
        "from the seller (EXW); `arranged_by_seller`: the seller has no shipping profile and "
        "arranges delivery after the order (price 0)."
    )
    zone: str | None = Field(description="The name of the seller's zone that serves it.")
    incoterm: Incoterm | None
    weight_kg: JsonNumber = Field(description="quantity x the listing's kg_per_unit.")
    estimated_days: EstimatedDays | None = Field(
        description="Days from payment to delivery: the seller's handling days plus the "
        "zone's transit days; null when the seller arranges shipping."
    )
    goods_total: JsonNumber
    total: JsonNumber = Field(description="goods_total + shipping_price.")
