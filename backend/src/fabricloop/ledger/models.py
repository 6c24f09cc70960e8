import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Numeric,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import LEDGER_KINDS


class LedgerEntry(UUIDPrimaryKey, Base):
    """One movement of an order's money; rows are never changed or deleted (a trigger refuses
    it), corrections are new entries. `amount` is positive except a fee's, which goes down
    (a negative entry) when a refund lowers what the platform keeps."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(in_list("kind", LEDGER_KINDS), name="kind_known"),
        CheckConstraint("kind = 'fee' OR amount > 0", name="amount_positive"),
        Index("ix_ledger_entries_transaction_id_position", "transaction_id", "position"),
    )

    # The order entries were written in (timestamps tie within one database transaction).
    position: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transactions.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    # The gateway's id of the movement (PaymentIntent, refund, transfer, reversal), if any.
    reference: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
