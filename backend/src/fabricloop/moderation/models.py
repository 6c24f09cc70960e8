import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, CreatedAt, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import LISTING_REPORT_REASONS, LISTING_REPORT_STATUSES


class ListingReport(UUIDPrimaryKey, CreatedAt, Base):
    """A user's report of a listing, for the operator's queue. `actioned` when the operator
    hid the listing, `dismissed` when the operator found nothing wrong."""

    __tablename__ = "listing_reports"
    __table_args__ = (
        CheckConstraint(in_list("reason", LISTING_REPORT_REASONS), name="reason_known"),
        CheckConstraint(in_list("status", LISTING_REPORT_STATUSES), name="status_known"),
        Index("ix_listing_reports_status_created_at", "status", "created_at"),
        Index("ix_listing_reports_material_id", "material_id"),
        # One open report per reporter and listing.
        Index(
            "uq_listing_reports_open_per_reporter",
            "material_id",
            "reporter_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
    )

    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default="open")
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    resolution: Mapped[str | None] = mapped_column(String(1000))
