import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, UUIDPrimaryKey, in_list

INCOTERMS = ("EXW", "FCA", "DAP", "DDP")


class ShippingProfile(Base):
    """How one seller delivers: one row per seller, its zones in `shipping_zones`."""

    __tablename__ = "shipping_profiles"
    __table_args__ = (
        CheckConstraint(in_list("incoterm", INCOTERMS), name="incoterm_known"),
        CheckConstraint("handling_days BETWEEN 0 AND 60", name="handling_days_range"),
    )

    seller_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    ships_from: Mapped[str] = mapped_column(String(2))
    handling_days: Mapped[int] = mapped_column(SmallInteger)
    incoterm: Mapped[str] = mapped_column(String(3))
    pickup_available: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ShippingZone(UUIDPrimaryKey, Base):
    """A group of destination countries priced alike. Prices are in each listing's currency."""

    __tablename__ = "shipping_zones"
    __table_args__ = (
        CheckConstraint("base_price >= 0", name="base_price_not_negative"),
        CheckConstraint("price_per_kg >= 0", name="price_per_kg_not_negative"),
        CheckConstraint("free_over IS NULL OR free_over >= 0", name="free_over_not_negative"),
        CheckConstraint(
            "transit_days_min >= 0 AND transit_days_min <= transit_days_max",
            name="transit_days_range",
        ),
        CheckConstraint("cardinality(countries) > 0", name="has_countries"),
        Index("ix_shipping_zones_seller_id_position", "seller_id", "position", unique=True),
    )

    seller_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shipping_profiles.seller_id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(100))
    countries: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    base_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    price_per_kg: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    free_over: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    transit_days_min: Mapped[int] = mapped_column(SmallInteger)
    transit_days_max: Mapped[int] = mapped_column(SmallInteger)
