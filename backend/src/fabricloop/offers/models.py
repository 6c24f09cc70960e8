import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps, UUIDPrimaryKey, in_list

OFFER_STATUSES = ("open", "accepted", "declined", "withdrawn", "expired")
PARTIES = ("buyer", "seller")


class Offer(UUIDPrimaryKey, Timestamps, Base):
    """A negotiation on a listing: the buyer proposes, the parties take turns. The latest round
    is also in `quantity` and `unit_price`; `rounds` keeps them all."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(in_list("status", OFFER_STATUSES), name="status_known"),
        CheckConstraint(in_list("last_by", PARTIES), name="last_by_known"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("buyer_id <> seller_id", name="not_own_listing"),
        Index("ix_offers_buyer_id_created_at", "buyer_id", "created_at"),
        Index("ix_offers_seller_id_created_at", "seller_id", "created_at"),
        Index("ix_offers_material_id", "material_id"),
        # The expiry job's scan: open offers by expiry.
        Index("ix_offers_open_expires_at", "expires_at", postgresql_where=text("status = 'open'")),
    )

    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("materials.id", ondelete="RESTRICT"))
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    lot_code: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    last_by: Mapped[str] = mapped_column(String(8))
    # [{"by": "buyer", "quantity": "50", "unit_price": "3.90", "at": "...Z"}, ...]
    rounds: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    expires_at: Mapped[datetime]
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("transactions.id", ondelete="SET NULL")
    )
