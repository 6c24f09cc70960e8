import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from fabricloop.materials.schemas import Party

ReportReason = Literal["counterfeit_claim", "misleading_metrics", "prohibited", "other"]
ReportStatus = Literal["open", "actioned", "dismissed"]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Must not contain NUL characters.")
    return value


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ReportReason
    details: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
        AfterValidator(_no_nul),
    ] = Field(description="What is wrong, 1-5000 characters.")


class ReportCreated(BaseModel):
    report_id: uuid.UUID
    material_id: uuid.UUID
    reason: ReportReason
    status: Literal["open"] = "open"
    created_at: datetime


class ReportedListing(BaseModel):
    material_id: uuid.UUID
    title: str
    status: str = Field(description="The listing's status now (`hidden` once hidden).")
    hidden_reason: str | None
    seller: Party


class Reporter(BaseModel):
    user_id: uuid.UUID
    company_name: str


class ReportOut(BaseModel):
    report_id: uuid.UUID
    reason: ReportReason
    details: str
    status: ReportStatus
    material: ReportedListing
    reporter: Reporter
    created_at: datetime
    resolved_at: datetime | None
    resolution: str | None = Field(description="The operator's note when resolving it.")


class ReportQueue(BaseModel):
    reports: list[ReportOut]
    total: int
    page: int
    limit: int


class ListingModerated(BaseModel):
    material_id: uuid.UUID
    status: str = Field(description="`hidden`, or the status the listing returned to.")
    hidden_at: datetime | None
    hidden_reason: str | None
    reports_resolved: int = Field(description="Open reports of the listing marked `actioned`.")


class ReportResolved(BaseModel):
    report_id: uuid.UUID
    status: ReportStatus
    resolved_at: datetime
