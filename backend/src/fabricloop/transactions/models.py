import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, SmallInteger, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import (
    PAYOUT_STATUSES,
    TRANSACTION_KINDS,
    TRANSACTION_STATUSES,
    UNITS,
)

OPEN_SAMPLE = "status IN ('pending', 'paid', 'shipped')"

SHIPPING_METHODS = ("zone", "pickup", "arranged_by_seller")
CARRIERS = ("dhl", "ups", "fedex", "dpd", "gls", "tnt", "postnl", "other")


class Transaction(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "transactions"
    __table_args__ = (
        CheckConstraint(in_list("status", TRANSACTION_STATUSES), name="status_known"),
        CheckConstraint(in_list("unit", UNITS), name="unit_known"),
        CheckConstraint(in_list("kind", TRANSACTION_KINDS), name="kind_known"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("quantity_kg >= 0", name="quantity_kg_not_negative"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint("buyer_id <> seller_id", name="not_self_purchase"),
        CheckConstraint(in_list("payout_status", PAYOUT_STATUSES), name="payout_status_known"),
        CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= total", name="refunded_within_total"
        ),
        CheckConstraint(
            "shipping_price >= 0 AND shipping_price <= total", name="shipping_price_in_total"
        ),
        CheckConstraint(in_list("shipping_method", SHIPPING_METHODS), name="shipping_method_known"),
        CheckConstraint(
            "delivery_days_min IS NULL OR delivery_days_min <= delivery_days_max",
            name="delivery_days_range",
        ),
        CheckConstraint(in_list("carrier", CARRIERS), name="carrier_known"),
        Index("ix_transactions_buyer_id_created_at", "buyer_id", "created_at"),
        Index("ix_transactions_seller_id_created_at", "seller_id", "created_at"),
        Index("ix_transactions_material_id", "material_id"),
        Index("ix_transactions_buyer_id_paid_at", "buyer_id", "paid_at"),
        # Orders paid with a charge, for the sweep that issues invoices a crash left out.
        Index(
            "ix_transactions_charged_paid_at",
            "paid_at",
            postgresql_where=text("platform_fee IS NOT NULL AND total > 0"),
        ),
        Index(
            "ix_transactions_pending_expires_at",
            "expires_at",
            postgresql_where=text("status = 'pending'"),
        ),
        # One open sample order per buyer and listing.
        Index(
            "uq_transactions_open_sample",
            "buyer_id",
            "material_id",
            unique=True,
            postgresql_where=text(f"kind = 'sample' AND {OPEN_SAMPLE}"),
        ),
    )

    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("materials.id", ondelete="RESTRICT"))
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit: Mapped[str] = mapped_column(String(8))
    # Mass at the time of purchase, so reports don't change when the listing is edited later.
    quantity_kg: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # Goods and delivery: total = goods_total + shipping_price, all fixed when the order is
    # placed (a later change of the listing or of the seller's shipping profile alters none).
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    shipping_price: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    shipping_method: Mapped[str] = mapped_column(String(20), server_default="arranged_by_seller")
    incoterm: Mapped[str | None] = mapped_column(String(3))
    # Days from payment to delivery as quoted (handling + transit); None when not quoted.
    delivery_days_min: Mapped[int | None] = mapped_column(SmallInteger)
    delivery_days_max: Mapped[int | None] = mapped_column(SmallInteger)
    currency: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(8), server_default="order")
    # The lot the stock was reserved from, for a listing sold by lot.
    lot_code: Mapped[str | None] = mapped_column(String(64))
    # The buyer's purchase-order number, printed on the invoice.
    purchase_order_reference: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), server_default="pending")
    # JSON null (never SQL NULL) for an order made from an offer that gave no address.
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=False)
    carrier: Mapped[str | None] = mapped_column(String(16))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    status_history: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    # The platform's commission on what the buyer paid and kept (null until paid).
    platform_fee: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    refunded_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    payout_status: Mapped[str] = mapped_column(String(16), server_default="none")

    @property
    def goods_total(self) -> Decimal:
        return self.total - self.shipping_price
