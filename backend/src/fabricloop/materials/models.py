import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import (
    LOT_GRADES,
    MATERIAL_STATUSES,
    MATERIAL_TYPES,
    SOURCE_TYPES,
    UNITS,
)

LIVE = "status = 'active' AND deleted_at IS NULL"
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')"
)
# The expression of migration 0005's index (see the indexes of Material).
PREVIOUS_RELEASE_SEARCHABLE_SQL = (
    "(search_vector || array_to_tsvector(ARRAY['type_' || material_type, "
    "'source_' || source_type, 'currency_' || currency, "
    "'country_' || coalesce(origin_country, '')]))"
)
# One row per live listing, kept by a trigger on `materials` (migration 0006) and partitioned by
# material type, so the matches of a typed search sit together on disk. `document` is the
# search vector plus a lexeme per categorical filter: type_<type>, source_<source>,
# currency_<code>, country_<code> and cert_<scheme> (the text parser splits words at '_', so no
# query text can produce one). Its GIN index also holds the price's terms (le_T: at most T,
# ge_T: at least T, for the thresholds of search_sql.PRICE_TERMS). The facets' columns
# (source_type, currency, origin_country, and `schemes`: the certification schemes, once each;
# migration 0028) let text facets and converted prices read this table alone. Searches read
# only this table, then the page's rows from `materials`.
MATERIAL_SEARCH_PARTITION_PREFIX = "material_search_"
material_search = Table(
    "material_search",
    Base.metadata,
    Column("material_id", ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True),
    Column("material_type", String(32), primary_key=True),
    Column("seller_id", UUID(as_uuid=True), nullable=False),
    Column("price", Numeric(12, 2), nullable=False),
    Column("quantity", Numeric(14, 3), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("document", TSVECTOR, nullable=False),
    Column("source_type", String(32)),
    Column("currency", String(3)),
    Column("origin_country", String(2)),
    Column("schemes", ARRAY(Text)),
    Index(
        "ix_material_search_document_price_terms",
        "document",
        text("material_search_price_terms(price)"),
        postgresql_using="gin",
    ),
    Index("ix_material_search_created_at_material_id", "created_at", "material_id"),
    Index("ix_material_search_price_material_id", "price", "material_id"),
    postgresql_partition_by="LIST (material_type)",
)
# The facet counts of searches without text (repository/search.py: facet_counts): the live
# listings counted per (type, source, country), scheme '' (every listing), and per
# certification scheme (the listings with at least one certificate of it). Rebuilt whole by the
# periodic job `refresh_facet_counts`, never by a listing's write: a count row updated by every
# purchase would serialise purchases of unrelated listings
# (docs/decisions/search-facet-counts.md).
FACET_COUNTS_ALL = ""
material_facet_counts = Table(
    "material_facet_counts",
    Base.metadata,
    Column("scheme", String(100), nullable=False),
    Column("material_type", String(32), nullable=False),
    Column("source_type", String(32), nullable=False),
    Column("origin_country", String(2), nullable=True),
    Column("listings", Integer, nullable=False),
)
# The live listings as rows of material_search (what the trigger writes, for bulk loads), in
# the order listings arrive in, as the trigger would have written them: a walk of the newest
# matches then reads adjacent pages.
MATERIAL_SEARCH_FILL_SQL = f"""
    INSERT INTO material_search
        (material_id, material_type, seller_id, price, quantity, created_at, document,
         source_type, currency, origin_country, schemes)
    SELECT id, material_type, seller_id, price, quantity, created_at,
           material_search_document(search_vector, material_type, source_type, currency,
                                    origin_country, certifications),
           source_type, currency, origin_country, material_search_schemes(certifications)
    FROM materials WHERE {LIVE} ORDER BY created_at, id
    ON CONFLICT (material_id, material_type) DO NOTHING"""  # noqa: S608 - a constant


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
        CheckConstraint(
            "order_increment IS NULL OR order_increment > 0", name="order_increment_positive"
        ),
        CheckConstraint(
            "sample_price IS NULL OR sample_price >= 0", name="sample_price_not_negative"
        ),
        Index("ix_materials_seller_id_created_at", "seller_id", "created_at"),
        # The GS1 Digital Link resolver finds a passport by its GTIN.
        Index("ix_materials_gtin", "gtin", postgresql_where=text("gtin IS NOT NULL")),
        # Searches without text read live listings only: see migration 0003.
        # The GIN indexes of 0003 and 0005 are what text search read before material_search
        # (0006). They stay for one release, so that the processes of the previous release
        # keep searching fast during a rolling restart or after a rollback
        # (docs/deployment.md); the next release's migration drops them.
        Index(
            "ix_materials_live_search_vector",
            "search_vector",
            postgresql_using="gin",
            postgresql_where=text(LIVE),
        ),
        Index(
            "ix_materials_live_search_facets",
            text(PREVIOUS_RELEASE_SEARCHABLE_SQL),
            postgresql_using="gin",
            postgresql_where=text(LIVE),
        ),
        Index("ix_materials_live_created_at_id", "created_at", "id", postgresql_where=text(LIVE)),
        # A country filter without text (migration 0025): its bounded count and its newest-first
        # page read the matches from here instead of a pass over every listing.
        Index(
            "ix_materials_live_origin_country_created_at_id",
            "origin_country",
            "created_at",
            "id",
            postgresql_where=text(LIVE),
        ),
        Index("ix_materials_live_price_id", "price", "id", postgresql_where=text(LIVE)),
        # A price sort in a display currency walks each currency's listings in price order
        # (migration 0027).
        Index(
            "ix_materials_live_currency_price_id",
            "currency",
            "price",
            "id",
            postgresql_where=text(LIVE),
        ),
        # The colour filter's candidates (migration 0026): the listings whose colour has every
        # trigram of the searched text.
        Index(
            "ix_materials_live_color_grams",
            text("material_color_grams(color)"),
            postgresql_using="gin",
            postgresql_where=text(LIVE),
        ),
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
    order_increment: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    # [{"min_quantity": "50", "price": "3.20"}, ...], ascending; strings keep Decimals exact.
    price_tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    sample_available: Mapped[bool] = mapped_column(Boolean, server_default="false")
    sample_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    sample_description: Mapped[str | None] = mapped_column(String(200))
    composition: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    color: Mapped[str | None] = mapped_column(String(100))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    # GS1 GTIN-8/12/13/14 as the seller wrote it (check digit verified by the schema).
    gtin: Mapped[str | None] = mapped_column(String(14))
    manufacture_date: Mapped[date | None]
    certifications: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    supply_chain: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    deleted_at: Mapped[datetime | None]
    # Moderation. `hidden_at`/`hidden_reason`: the operator hid this listing (the seller sees
    # the reason). While it is hidden, or its seller is suspended, `status` is `hidden` and
    # `held_status` keeps the status it returns to.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(1000))
    held_status: Mapped[str | None] = mapped_column(String(16))
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


class MaterialLot(UUIDPrimaryKey, Base):
    """A roll, dye lot or bale of a listing. Its stock is reserved on its own row; the
    listing's quantity is kept equal to the sum of its lots."""

    __tablename__ = "material_lots"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint(in_list("grade", LOT_GRADES), name="grade_known"),
        CheckConstraint("width_cm IS NULL OR width_cm > 0", name="width_positive"),
        CheckConstraint("weight_gsm IS NULL OR weight_gsm > 0", name="weight_positive"),
        Index("uq_material_lots_material_id_lot_code", "material_id", "lot_code", unique=True),
        Index(
            "ix_material_lots_color_grams",
            text("material_color_grams(color)"),
            postgresql_using="gin",
        ),
    )

    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    lot_code: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    color: Mapped[str | None] = mapped_column(String(100))
    grade: Mapped[str] = mapped_column(String(16))
    width_cm: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    weight_gsm: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    position: Mapped[int] = mapped_column(Integer, server_default="0")


class MaterialPublication(Base):
    """A listing newly published (created active, or set active from draft or archived),
    waiting for the saved-search alerts (saved_searches.service.match_new_listings), which
    delete the row in the transaction that notifies: an outbox, so no publication is missed
    when an enqueue is lost, and none is matched twice."""

    __tablename__ = "material_publications"

    material_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True
    )
    published_at: Mapped[datetime] = mapped_column(server_default=text("clock_timestamp()"))


class DigitalProductPassport(UUIDPrimaryKey, Timestamps, Base):
    """The passport of one material. Its data lives on the material row (soft-deleted, never
    removed), so the passport outlives the listing; its evolution lives in passport_changes."""

    __tablename__ = "digital_product_passports"
    __table_args__ = (
        Index("uq_digital_product_passports_material_id", "material_id", unique=True),
    )

    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))


class PassportChange(UUIDPrimaryKey, Base):
    """Who changed what on a passport, and when."""

    __tablename__ = "passport_changes"
    __table_args__ = (
        Index("ix_passport_changes_passport_id_changed_at", "passport_id", "changed_at"),
    )

    passport_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("digital_product_passports.id", ondelete="CASCADE")
    )
    changed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    changed_at: Mapped[datetime] = mapped_column(server_default=text("clock_timestamp()"))
