import uuid
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import ACCOUNT_STATUSES


class ConnectedAccount(Timestamps, Base):
    """A seller's account at the gateway (a Stripe Connect Express account) for payouts."""

    __tablename__ = "connected_accounts"
    __table_args__ = (
        CheckConstraint(in_list("status", ACCOUNT_STATUSES), name="status_known"),
        Index("uq_connected_accounts_reference", "reference", unique=True),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    gateway: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    payouts_enabled: Mapped[bool] = mapped_column(Boolean, server_default="false")


class Payout(UUIDPrimaryKey, Timestamps, Base):
    """The seller's share of one completed order, transferred to their connected account."""

    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("reversed_amount >= 0 AND reversed_amount <= amount", name="reversed_ok"),
        Index("uq_payouts_transaction_id", "transaction_id", unique=True),
        Index("ix_payouts_seller_id_created_at", "seller_id", "created_at"),
    )

    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transactions.id", ondelete="RESTRICT")
    )
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reversed_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    currency: Mapped[str] = mapped_column(String(3))
    # The gateway's transfer.
    reference: Mapped[str] = mapped_column(String(255))
