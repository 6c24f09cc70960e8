import uuid
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, CreatedAt, UUIDPrimaryKey


class AdminAction(UUIDPrimaryKey, CreatedAt, Base):
    """One action of an operator: who did what to which record, when and why. Append-only:
    nothing updates or deletes these rows (an admin account is never purged while it has
    some: the foreign key restricts it)."""

    __tablename__ = "admin_actions"
    __table_args__ = (
        CheckConstraint("char_length(action) BETWEEN 1 AND 60", name="action_length"),
        CheckConstraint("char_length(target_type) BETWEEN 1 AND 40", name="target_type_length"),
        Index("ix_admin_actions_created_at", "created_at"),
        Index("ix_admin_actions_target", "target_type", "target_id", "created_at"),
        Index("ix_admin_actions_admin_id_created_at", "admin_id", "created_at"),
    )

    admin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # A dotted name, `<target type>.<verb>`: user.verify, material.hide, certificate.approve.
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(Text)
    # Facts of the action worth keeping beside it (an amount, the previous state...).
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
