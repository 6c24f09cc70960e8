import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fabricloop.impact.schemas import MethodologyOut, Number


class Figures(BaseModel):
    materials_purchased: int = Field(description="Transactions counted.")
    quantity_kg: Number = Field(description="kg, 3 decimals.")
    carbon_saved: Number = Field(description="kg CO2e avoided versus virgin, 3 decimals.")
    water_saved: Number = Field(description="Litres avoided versus virgin, 2 decimals.")
    scope3_emissions: Number = Field(description="kg CO2e, 3 decimals.")


class MonthFigures(Figures):
    month: str = Field(description="YYYY-MM (UTC).", examples=["2026-11"])


class MaterialTypeFigures(Figures):
    material_type: str


class Coverage(BaseModel):
    quantity_kg_without_factors: Number = Field(
        description="Purchased kg with no sourced factor for a carbon saving (fibres without "
        "factors, or no figure for the material's own footprint when one is needed)."
    )
    share_without_factors: Number = Field(description="Of total_quantity_kg, 0..1.")
    quantity_kg_without_footprint: Number = Field(
        description="Purchased kg with neither a seller's footprint nor a default factor: "
        "they add nothing to scope3_emissions."
    )
    share_without_footprint: Number = Field(description="Of total_quantity_kg, 0..1.")
    statement: str = Field(description="The coverage in one plain sentence.")


Scope3Method = Literal["supplier_specific", "average_data", "none"]


class MethodShare(BaseModel):
    """How much of the report one GHG Protocol Scope 3 category 1 method produced."""

    method: Scope3Method
    name: str = Field(description="The method in plain words.")
    quantity_kg: Number
    share_of_quantity: Number = Field(description="Of total_quantity_kg, 0..1.")
    scope3_emissions: Number | None = Field(description="null for `none`: no factor, no figure.")
    share_of_emissions: Number | None = Field(description="Of scope3_emissions, 0..1.")


class ReportLine(BaseModel):
    """One purchase, with the impact of the quantity actually bought."""

    transaction_id: uuid.UUID
    paid_date: date
    material_id: uuid.UUID
    material_title: str
    material_type: str
    material_type_name: str = Field(description="In plain words: `recycled cotton`.")
    source_type: str
    origin_country: str | None
    quantity_kg: Number
    scope3_method: Scope3Method = Field(
        description="`supplier_specific`: the seller declared the footprint; `average_data`: "
        "a default factor of the reference data; `none`: no factor at all."
    )
    footprint_per_kg: Number | None = Field(description="kg CO2e per kg; null without one.")
    scope3_emissions: Number | None = Field(
        description="kg CO2e of the quantity bought; null (never 0) when no factor covers it."
    )
    carbon_saved: Number | None = Field(description="kg CO2e avoided; null without a factor.")
    water_saved: Number | None = Field(description="Litres avoided; null without a factor.")
    fabric_stage_region: str = Field(description="The regional fabric stage that applied.")


class ReportMethodology(MethodologyOut):
    """The method, standards and rounding, and the factors this report used."""

    period: str
    fabric_stage_note: str = "Added to both the material's own footprint and the baseline."


class SustainabilityReport(BaseModel):
    side: Literal["purchases", "sales"] = Field(
        description="`purchases`: what the caller bought (their Scope 3 category 1). `sales`: "
        "what the caller sold, the impact their buyers receive; the fields keep their names "
        "(`materials_purchased` counts the orders sold, `lines` the sales)."
    )
    start_date: date
    end_date: date
    materials_purchased: int
    total_quantity_kg: Number
    total_carbon_saved: Number = Field(
        description="kg CO2e avoided versus new virgin material (WBCSD avoided emissions); "
        "reported beside scope3_emissions, never subtracted from it."
    )
    total_water_saved: Number = Field(description="Litres of blue water avoided.")
    scope3_emissions: Number = Field(
        description="kg CO2e, GHG Protocol Scope 3 category 1: the sum of the lines that have "
        "a factor (supplier-specific or average-data; `scope3_methods` gives the share of "
        "each); lines without one are left out and stated under `coverage`."
    )
    scope3_methods: list[MethodShare] = Field(
        description="supplier_specific, average_data and none, always in this order."
    )
    by_month: list[MonthFigures] = Field(
        description="Every month of the range, oldest first, zeros included."
    )
    by_material_type: list[MaterialTypeFigures] = Field(
        description="Types purchased in the range, most kg first."
    )
    coverage: Coverage
    lines: list[ReportLine] = Field(description="Every purchase counted, oldest first.")
    methodology: ReportMethodology
