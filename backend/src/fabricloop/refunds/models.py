import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import REFUND_STATUSES


class Refund(UUIDPrimaryKey, Timestamps, Base):
    """Money given back to the buyer of an order, through the gateway."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint(in_list("status", REFUND_STATUSES), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_refunds_transaction_id", "transaction_id"),
        Index("uq_refunds_gateway_reference", "gateway_reference", unique=True),
    )

    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transactions.id", ondelete="RESTRICT")
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    gateway_reference: Mapped[str | None] = mapped_column(String(255))
    # Who asked for it; null for the platform itself (a charge that arrived for a cancelled
    # order, a refund made in the gateway's dashboard).
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # Until a notifications domain delivers it: the buyer has not been told yet.
    buyer_notified_at: Mapped[datetime | None]
