import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import CERTIFICATION_SCHEMES

CERTIFICATE_STATUSES = ("pending", "approved", "rejected", "expired")


class Certificate(UUIDPrimaryKey, Timestamps, Base):
    """A seller's certificate (GOTS, GRS...) with its evidence document, reviewed by an
    operator. Listings reference it from their certifications; it verifies them only while
    approved and valid."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint(in_list("scheme", CERTIFICATION_SCHEMES), name="scheme_known"),
        CheckConstraint(in_list("status", CERTIFICATE_STATUSES), name="status_known"),
        CheckConstraint("valid_until >= valid_from", name="validity_ordered"),
        Index("ix_certificates_owner_id_created_at", "owner_id", "created_at"),
        Index("ix_certificates_status_created_at", "status", "created_at"),
        Index("ix_certificates_document_id", "document_id"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scheme: Mapped[str] = mapped_column(String(50))
    certificate_number: Mapped[str] = mapped_column(String(100))
    issuing_body: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(10), server_default="pending")
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]
    # When the seller was told it expires within 30 days (once per certificate).
    expiry_notified_at: Mapped[datetime | None]
