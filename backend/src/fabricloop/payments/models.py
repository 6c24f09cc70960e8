import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Numeric, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, CreatedAt, Timestamps, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import PAYMENT_STATUSES


class Payment(UUIDPrimaryKey, Timestamps, Base):
    """One attempt to pay a transaction; failed attempts are kept too."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(in_list("status", PAYMENT_STATUSES), name="status_known"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        Index("ix_payments_transaction_id", "transaction_id"),
        # Two payments of one transaction never both succeed.
        Index(
            "uq_payments_one_success_per_transaction",
            "transaction_id",
            unique=True,
            postgresql_where=text("status = 'succeeded'"),
        ),
        Index("uq_payments_gateway_reference", "gateway_reference", unique=True),
    )

    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transactions.id", ondelete="RESTRICT")
    )
    payer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    gateway: Mapped[str] = mapped_column(String(20))
    gateway_reference: Mapped[str | None] = mapped_column(String(255))
    payment_method: Mapped[str] = mapped_column(String(255))
    decline_code: Mapped[str | None] = mapped_column(String(100))
    failure_message: Mapped[str | None] = mapped_column(String(500))


class IdempotencyKey(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        CheckConstraint("state IN ('in_progress', 'completed')", name="state_known"),
        Index("uq_idempotency_keys_user_id_key", "user_id", "key", unique=True),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), server_default="in_progress")
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    expires_at: Mapped[datetime]


class WebhookEvent(Base):
    """A Stripe event applied once: its id is the primary key."""

    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
