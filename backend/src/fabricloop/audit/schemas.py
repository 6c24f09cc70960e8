import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


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
