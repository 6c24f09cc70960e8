from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer

# A Decimal emitted as a JSON number (as the schema documents), not pydantic's default
# string. The figures carry at most a few decimals, which a float's shortest repr renders exactly.
Number = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class FactorOut(BaseModel):
    material_type: str
    fibre: str | None
    virgin_co2e_per_kg: Number | None
    recycled_co2e_per_kg: Number | None
    virgin_water_l_per_kg: Number | None
    recycled_water_l_per_kg: Number | None
    quality: str
    sources: str


class FabricStageOut(BaseModel):
    region: str = Field(description="Where the material was made (origin_country).")
    co2e_per_kg: Number
    water_l_per_kg: Number
    sources: str


class MethodologyOut(BaseModel):
    """How the figures were computed, with the factors behind them."""

    method: list[str]
    standards: list[str]
    rounding: str
    fabric_stage: FabricStageOut = Field(description="The default (European) fabric stage.")
    fabric_stages: list[FabricStageOut] = Field(
        description="The regional fabric stages (in a report: those it used), with sources."
    )
    factors: list[FactorOut]


class ImpactOut(BaseModel):
    """A listing's saving per kg against `baseline` (the virgin material compared against)."""

    carbon_saved_per_kg: Number | None
    water_saved_per_kg: Number | None
    baseline: str | None
