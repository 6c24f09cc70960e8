"""Passport requests reuse the listing's field rules (materials.schemas), so a passport
accepts exactly what a material create accepts."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator, model_validator

from fabricloop.impact.schemas import ImpactOut
from fabricloop.materials.schemas import (
    CertificationOut,
    Certifications,
    Composition,
    CompositionOut,
    Country,
    JsonNumber,
    MetricsIn,
    MetricsOut,
    PastDate,
    Request,
    SupplyChain,
    SupplyChainStepOut,
)


class PassportUpdate(Request):
    """A partial update: only the fields sent change; `origin` and `manufacture_date` may be
    set to null to clear them, the lists replace the old ones (send `[]` to empty them)."""

    origin: Annotated[Country | None, Field(description="ISO 3166-1 alpha-2.")] = None
    manufacture_date: Annotated[PastDate | None, Field(description="Not in the future.")] = None
    supply_chain: SupplyChain | None = None
    certifications: Certifications | None = None
    composition: Annotated[Composition | None, Field(description="Percents add up to 100.")] = None

    @field_validator("supply_chain", "certifications", "composition", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("Must not be null; send [] to empty the list.")
        return value


class MetricsCreate(MetricsIn):
    """A new metrics record; at least one field. Earlier records stay in the history."""

    @model_validator(mode="after")
    def _something(self) -> "MetricsCreate":
        if not self.model_fields_set:
            raise ValueError(
                "Send at least one of carbon_footprint, water_usage, chemical_composition."
            )
        return self


class MetricCreated(BaseModel):
    metric_id: uuid.UUID
    created_at: datetime


class Issuer(BaseModel):
    company_name: str


class ChangedBy(BaseModel):
    user_id: uuid.UUID
    company_name: str


class PassportChangeOut(BaseModel):
    change_id: uuid.UUID
    kind: str = Field(description="created, passport_updated, metrics_added or material_updated.")
    changed_by: ChangedBy | None = Field(description="null when the account no longer exists.")
    changed_at: datetime
    fields: dict[str, Any] = Field(
        description="What changed, usually `{field: {old, new}}` with passport field names."
    )


class LotPassportOut(BaseModel):
    """A lot of the listing, passported on its own; the listing's passport is its parent."""

    lot_code: str
    passport_id: uuid.UUID = Field(description="The lot's own passport id.")
    quantity: JsonNumber
    digital_link: str | None = Field(description="/01/{GTIN-14}/10/{lot_code}, with a GTIN.")
    untp_url: str = Field(description="The lot's UNTP credential (untp.json?lot=...).")


class PassportOut(BaseModel):
    passport_id: uuid.UUID
    material_id: uuid.UUID
    material_type: str
    source_type: str
    title: str
    origin: str | None = Field(description="Country of manufacture, ISO 3166-1 alpha-2.")
    manufacture_date: date | None
    composition: list[CompositionOut]
    certifications: list[CertificationOut]
    sustainability_metrics: MetricsOut | None = Field(description="The latest record.")
    metrics_history: list[MetricsOut] = Field(description="Every record, newest first.")
    supply_chain: list[SupplyChainStepOut]
    impact: ImpactOut
    issuer: Issuer
    gtin: str | None = Field(description="The listing's GS1 GTIN; null without one.")
    public_url: str
    digital_link: str | None = Field(
        description="The GS1 Digital Link URI (/01/{GTIN-14}) when the listing has a GTIN: "
        "what the QR code encodes then, instead of public_url."
    )
    qr_url: str
    untp_url: str
    credential_url: str = Field(description="The signed credential (application/vc+jwt).")
    lots: list[LotPassportOut] = Field(
        description="The listing's lots, each with its own passport (empty without lots)."
    )
    changes: list[PassportChangeOut] = Field(description="Every change, oldest first.")
    created_at: datetime
    updated_at: datetime
