from datetime import date

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


class ReportMethodology(MethodologyOut):
    """The method, standards and rounding, and the factors this report used."""

    period: str
    fabric_stage_note: str = "Added to both the material's own footprint and the baseline."


class SustainabilityReport(BaseModel):
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
        description="kg CO2e, GHG Protocol Scope 3 category 1, average-data method."
    )
    by_month: list[MonthFigures] = Field(
        description="Every month of the range, oldest first, zeros included."
    )
    by_material_type: list[MaterialTypeFigures] = Field(
        description="Types purchased in the range, most kg first."
    )
    coverage: Coverage
    methodology: ReportMethodology
