import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


class AuditAdmin(BaseModel):
    user_id: uuid.UUID
    email: str
    company_name: str


class AuditEntry(BaseModel):
    audit_id: uuid.UUID
    admin: AuditAdmin = Field(description="Who acted.")
    action: str = Field(
        description="What was done, `<target type>.<verb>`: `user.verify`, `user.unverify`, "
        "`user.suspend`, `user.unsuspend`, `material.hide`, `material.unhide`, "
        "`report.dismiss`, `certificate.approve`, `certificate.reject`, `dispute.resolve`...",
        examples=["user.suspend"],
    )
    target_type: str = Field(description="`user`, `material`, `report`, `certificate`, ...")
    target_id: uuid.UUID | None = Field(description="The record acted on.")
    reason: str | None = Field(description="Why, as the operator gave it.")
    details: dict[str, Any] = Field(description="Facts of the action (amounts, prior state).")
    created_at: datetime = Field(description="When.")


class AuditLog(BaseModel):
    entries: list[AuditEntry]
    total: int
    page: int
    limit: int


# The body of an admin action that says why; the reason goes to the audit log.
def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Must not contain NUL characters.")
    return value


Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=1000),
    AfterValidator(_no_nul),
]


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(description="Why (1-1000 characters); kept in the audit log.")


class OptionalReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = Field(None, description="Why, for the audit log (optional).")
