import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, CreatedAt, UUIDPrimaryKey, in_list

CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp")


class UploadedDocument(UUIDPrimaryKey, CreatedAt, Base):
    """Evidence a user uploaded (a certificate's PDF or scan), kept in the private storage:
    read back only through the API, by its owner or an operator."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint(in_list("content_type", CONTENT_TYPES), name="content_type_known"),
        Index("ix_documents_owner_id", "owner_id"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size_bytes: Mapped[int] = mapped_column(Integer)
    # What the client called it: shown to the reviewer, never used to store or judge it.
    filename: Mapped[str | None] = mapped_column(String(255))
    # PDFs only.
    page_count: Mapped[int | None] = mapped_column(Integer)
