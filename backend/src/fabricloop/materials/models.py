import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Computed, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import MATERIAL_STATUSES, MATERIAL_TYPES, SOURCE_TYPES, UNITS

LIVE = "status = 'active' AND deleted_at IS NULL"
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')"
)
# The categorical filters as lexemes. The text parser splits words at '_', so no query text can
# produce one. Indexed next to the words (SEARCHABLE_SQL, migration 0005), they let a text
# search with a type, source, currency or country filter intersect posting lists in the GIN
# index instead of reading every row that has the words.
FACETS_SQL = (
    "array_to_tsvector(ARRAY['type_' || material_type, 'source_' || source_type, "
    "'currency_' || currency, 'country_' || coalesce(origin_country, '')])"
)
SEARCHABLE_SQL = f"(search_vector || {FACETS_SQL})"


class Material(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "materials"
    __table_args__ = (
        CheckConstraint(in_list("material_type", MATERIAL_TYPES), name="material_type_known"),
        CheckConstraint(in_list("source_type", SOURCE_TYPES), name="source_type_known"),
        CheckConstraint(in_list("unit", UNITS), name="unit_known"),
        CheckConstraint(in_list("status", MATERIAL_STATUSES), name="status_known"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("kg_per_unit IS NULL OR kg_per_unit > 0", name="kg_per_unit_positive"),
        CheckConstraint("unit = 'kg' OR kg_per_unit IS NOT NULL", name="kg_per_unit_required"),
        CheckConstraint(
            "min_order_quantity IS NULL OR min_order_quantity > 0", name="min_order_positive"
        ),
        Index("ix_materials_seller_id_created_at", "seller_id", "created_at"),
        # Search reads live listings only: see migration 0003.
        Index(
            "ix_materials_live_search_vector",
            "search_vector",
            postgresql_using="gin",
            postgresql_where=text(LIVE),
        ),
        Index(
            "ix_materials_live_search_facets",
            text(SEARCHABLE_SQL),
            postgresql_using="gin",
            postgresql_where=text(LIVE),
        ),
        Index("ix_materials_live_created_at_id", "created_at", "id", postgresql_where=text(LIVE)),
        Index("ix_materials_live_price_id", "price", "id", postgresql_where=text(LIVE)),
        Index(
            "ix_materials_live_material_type_created_at_id",
            "material_type",
            "created_at",
            "id",
            postgresql_where=text(LIVE),
        ),
        Index(
            "ix_materials_live_material_type_price_id",
            "material_type",
            "price",
            "id",
            postgresql_where=text(LIVE),
        ),
    )

    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    material_type: Mapped[str] = mapped_column(String(32))
    source_type: Mapped[str] = mapped_column(String(32), server_default="deadstock")
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit: Mapped[str] = mapped_column(String(8))
    kg_per_unit: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    min_order_quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    composition: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    color: Mapped[str | None] = mapped_column(String(100))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    manufacture_date: Mapped[date | None]
    certifications: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    supply_chain: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    deleted_at: Mapped[datetime | None]
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR_SQL, persisted=True), deferred=True
    )


class SustainabilityMetric(UUIDPrimaryKey, Base):
    """Metrics are appended, never updated: the latest applies, the rest is history."""

    __tablename__ = "sustainability_metrics"
    __table_args__ = (
        CheckConstraint(
            "carbon_footprint IS NULL OR carbon_footprint >= 0", name="carbon_not_negative"
        ),
        CheckConstraint("water_usage IS NULL OR water_usage >= 0", name="water_not_negative"),
        Index("ix_sustainability_metrics_carbon_footprint", "carbon_footprint"),
        Index("ix_sustainability_metrics_material_id_recorded_at", "material_id", "recorded_at"),
    )

    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    carbon_footprint: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    water_usage: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    chemical_composition: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(server_default=text("clock_timestamp()"))
