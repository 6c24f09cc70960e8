import unicodedata
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from fabricloop.core.vocabulary import CERTIFICATION_SCHEMES, certification_scheme

CertificateStatus = Literal["pending", "approved", "rejected", "expired"]


def _line(value: str) -> str:
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise ValueError("Control characters are not allowed.")
    return value


def _text(value: str) -> str:
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value):
        raise ValueError("Control characters are not allowed.")
    return value


Scheme = Annotated[
    str,
    Field(max_length=50, description=f"One of {', '.join(CERTIFICATION_SCHEMES)} (any case)."),
    AfterValidator(certification_scheme),
]
CertificateNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_line),
]
IssuingBody = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_line),
]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_text),
]


class CertificateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme: Scheme
    certificate_number: CertificateNumber
    issuing_body: IssuingBody = Field(description="Who certified, e.g. `Control Union`.")
    valid_from: date
    valid_until: date = Field(description="On or after `valid_from`.")
    document_id: uuid.UUID = Field(
        description="The evidence: one of the caller's documents from POST /api/documents "
        "(unknown, or another user's: 404)."
    )

    @model_validator(mode="after")
    def _validity(self) -> "CertificateCreate":
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from.")
        return self


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(description="Told to the seller.")


class DocumentRef(BaseModel):
    document_id: uuid.UUID
    content_type: str
    filename: str | None
    download_url: str


class CertificateOut(BaseModel):
    certificate_id: uuid.UUID
    scheme: str
    certificate_number: str
    issuing_body: str
    valid_from: date
    valid_until: date
    document: DocumentRef
    status: CertificateStatus = Field(
        description="`pending` review, `approved`, `rejected` (see `rejection_reason`), or "
        "`expired` (approved, and past `valid_until`: shown as soon as it is past, the daily "
        "job records it)."
    )
    verified: bool = Field(
        description="Approved, and today within `valid_from`..`valid_until`: listings that "
        "reference it show their certification as verified."
    )
    rejection_reason: str | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class CertificateCreated(BaseModel):
    certificate_id: uuid.UUID
    status: Literal["pending"]


class CertificateList(BaseModel):
    certificates: list[CertificateOut]
    total: int
    page: int
    limit: int


class CertificateHolder(BaseModel):
    user_id: uuid.UUID
    company_name: str
    email: str


class AdminCertificateOut(CertificateOut):
    holder: CertificateHolder


class AdminCertificateList(BaseModel):
    certificates: list[AdminCertificateOut]
    total: int
    page: int
    limit: int
