from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fabricloop.transactions.schemas import JsonDecimal

Day = date  # the field `date` shadows the type inside its class


class FxRateOut(BaseModel):
    currency: str
    rate: JsonDecimal = Field(description="Units of `currency` per 1 EUR.")


class FxRates(BaseModel):
    base: Literal["EUR"]
    date: Day | None = Field(description="The day of the rates; null before any import.")
    rates: list[FxRateOut] = Field(description="EUR itself is included at 1.")
    source: str
