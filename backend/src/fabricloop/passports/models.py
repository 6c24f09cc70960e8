import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps, UUIDPrimaryKey


class DigitalProductPassport(UUIDPrimaryKey, Timestamps, Base):
    """The passport of one material. Its data lives on the material row (soft-deleted, never
    removed), so the passport outlives the listing; its evolution lives in passport_changes."""

    __tablename__ = "digital_product_passports"
    __table_args__ = (
        Index("uq_digital_product_passports_material_id", "material_id", unique=True),
    )

    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))


class PassportChange(UUIDPrimaryKey, Base):
    """Who changed what on a passport, and when."""

    __tablename__ = "passport_changes"
    __table_args__ = (
        Index("ix_passport_changes_passport_id_changed_at", "passport_id", "changed_at"),
    )

    passport_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("digital_product_passports.id", ondelete="CASCADE")
    )
    changed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    changed_at: Mapped[datetime] = mapped_column(server_default=text("clock_timestamp()"))
