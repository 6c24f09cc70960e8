import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from fabricloop.materials.schemas import JsonNumber, MaterialSummary


class SellerImpact(BaseModel):
    """What the seller's materials saved their buyers, versus virgin material, over every
    completed order (samples left out), with the method of the sustainability reports."""

    completed_orders: int = Field(description="Completed orders counted.")
    total_quantity_kg: JsonNumber = Field(description="Mass of material sold in them (kg).")
    total_carbon_saved: JsonNumber = Field(description="Emissions avoided (kg CO2e).")
    total_water_saved: JsonNumber = Field(description="Water saved (L).")


class Storefront(BaseModel):
    """A seller's public profile and a page of their active listings."""

    user_id: uuid.UUID
    company_name: str
    verified: bool = Field(description="The operator has verified the company's details.")
    country: str | None = Field(
        description="ISO 3166-1 alpha-2 of the company's registered details; null before the "
        "seller gave them."
    )
    member_since: datetime = Field(description="When the account was created.")
    listing_count: int = Field(description="Active listings (the `total` of `materials`).")
    impact: SellerImpact
    materials: list[MaterialSummary] = Field(
        description="Active listings, newest first, as `GET /api/materials` shows them."
    )
    total: int
    page: int
    limit: int


class CatalogueItem(BaseModel):
    material_id: uuid.UUID
    title: str
    status: str
    material_type: str
    quantity: JsonNumber
    unit: str
    price: JsonNumber
    currency: str
    thumbnail_url: str | None
    created_at: datetime
    updated_at: datetime


class Catalogue(BaseModel):
    materials: list[CatalogueItem]
    total: int
    page: int
    limit: int
