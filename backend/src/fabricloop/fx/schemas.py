from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, PlainSerializer

# Not transactions.schemas.JsonDecimal: listings' search converts with fx, and transactions
# build on listings (an import from there would close a package cycle).
JsonDecimal = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

Day = date  # the field `date` shadows the type inside its class


class FxRateOut(BaseModel):
    currency: str
    rate: JsonDecimal = Field(description="Units of `currency` per 1 EUR.")


class FxRates(BaseModel):
    base: Literal["EUR"]
    date: Day | None = Field(description="The day of the rates; null before any import.")
    rates: list[FxRateOut] = Field(description="EUR itself is included at 1.")
    source: str
