import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, CreatedAt, Timestamps, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import (
    DISPUTE_OUTCOMES,
    DISPUTE_REASONS,
    DISPUTE_SOURCES,
    DISPUTE_STATUSES,
)


class Dispute(UUIDPrimaryKey, Timestamps, Base):
    """A problem with an order: opened by its buyer here, or a card dispute at the gateway.
    While one is open, the seller's payout is held."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint(in_list("reason", DISPUTE_REASONS), name="reason_known"),
        CheckConstraint(in_list("source", DISPUTE_SOURCES), name="source_known"),
        CheckConstraint(in_list("status", DISPUTE_STATUSES), name="status_known"),
        CheckConstraint(
            f"outcome IS NULL OR {in_list('outcome', DISPUTE_OUTCOMES)}", name="outcome_known"
        ),
        CheckConstraint("refunded_amount >= 0", name="refunded_not_negative"),
        Index("ix_disputes_transaction_id", "transaction_id"),
        # At most one open dispute of each source per order.
        Index(
            "uq_disputes_open_per_transaction",
            "transaction_id",
            "source",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        Index("uq_disputes_reference", "reference", unique=True),
    )

    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transactions.id", ondelete="RESTRICT")
    )
    source: Mapped[str] = mapped_column(String(8))
    opened_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(String(5000))
    status: Mapped[str] = mapped_column(String(10), server_default="open")
    outcome: Mapped[str | None] = mapped_column(String(16))
    refunded_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    # The gateway's dispute (dp_...) of a card dispute.
    reference: Mapped[str | None] = mapped_column(String(255))
    resolved_at: Mapped[datetime | None]


class DisputeMessage(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "dispute_messages"
    __table_args__ = (
        Index("ix_dispute_messages_dispute_id_created_at", "dispute_id", "created_at"),
    )

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    content: Mapped[str] = mapped_column(String(5000))
