import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from fabricloop.materials.schemas import JsonNumber, MaterialSummary


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
