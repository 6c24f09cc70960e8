"""material_search: each listing's source, currency, country and certification schemes

The facets of a text search counted up to 10,001 matches by the listing's source, country and
certification, which only `materials` held: each match was joined to its listing (10,001 index
probes for `denim`, whatever the type filter). A price bound or sort in a display currency
joined every match too, for its currency. With these columns (kept by the trigger, as the
others) the text facets and the converted prices read `material_search` alone. `schemes`: the
listing's certification schemes, once each, sorted (`material_search_schemes`).

The columns are added empty (no rewrite), the trigger writes them from then on, and the
existing rows are filled in batches of the live listings in arrival order, each its own
transaction, skipping rows filled already (by the trigger, for a listing changed meanwhile).
Every step can run again.

Revision ID: 0028_search_facet_columns
Revises: 0027_currency_price_index
Create Date: 2026-12-04 21:20:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0028_search_facet_columns"
down_revision: str | None = "0027_currency_price_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status = 'active' AND deleted_at IS NULL"
FILL_BATCH = 10_000

SCHEMES_FUNCTION = """
CREATE OR REPLACE FUNCTION material_search_schemes(certifications jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT c ->> 'scheme' ORDER BY c ->> 'scheme'), '{}')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(certifications) = 'array'
                                   THEN certifications ELSE '[]'::jsonb END) AS c
    WHERE jsonb_typeof(c) = 'object' AND c ->> 'scheme' IS NOT NULL
$$
"""


def _sync_function(facet_columns: bool) -> str:
    """The trigger function of 0006, writing the facet columns too (or not: the downgrade)."""
    columns = ", source_type, currency, origin_country, schemes" if facet_columns else ""
    values = (
        ", NEW.source_type, NEW.currency, NEW.origin_country, "
        "material_search_schemes(NEW.certifications)"
        if facet_columns
        else ""
    )
    updates = (
        ", source_type = EXCLUDED.source_type, currency = EXCLUDED.currency, "
        "origin_country = EXCLUDED.origin_country, schemes = EXCLUDED.schemes"
        if facet_columns
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION material_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.material_type = OLD.material_type
       AND (NEW.seller_id, NEW.price, NEW.quantity, NEW.created_at, NEW.search_vector,
            NEW.source_type, NEW.currency, NEW.origin_country, NEW.certifications,
            NEW.status, NEW.deleted_at)
           IS NOT DISTINCT FROM
           (OLD.seller_id, OLD.price, OLD.quantity, OLD.created_at, OLD.search_vector,
            OLD.source_type, OLD.currency, OLD.origin_country, OLD.certifications,
            OLD.status, OLD.deleted_at) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR NEW.material_type <> OLD.material_type
                              OR NOT (NEW.status = 'active' AND NEW.deleted_at IS NULL)) THEN
        DELETE FROM material_search
        WHERE material_id = OLD.id AND material_type = OLD.material_type;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'active' AND NEW.deleted_at IS NULL THEN
        INSERT INTO material_search AS s
            (material_id, material_type, seller_id, price, quantity, created_at, document
             {columns})
        VALUES (
            NEW.id, NEW.material_type, NEW.seller_id, NEW.price, NEW.quantity, NEW.created_at,
            material_search_document(NEW.search_vector, NEW.material_type, NEW.source_type,
                                     NEW.currency, NEW.origin_country, NEW.certifications)
            {values}
        )
        ON CONFLICT (material_id, material_type) DO UPDATE SET
            seller_id = EXCLUDED.seller_id, price = EXCLUDED.price,
            quantity = EXCLUDED.quantity, created_at = EXCLUDED.created_at,
            document = EXCLUDED.document{updates};
    END IF;
    RETURN NULL;
END
$$
"""


# One batch: the next live listings in arrival order. Only rows still empty are written: a row
# the trigger wrote meanwhile is left as it is (an UPDATE that waited for it sees it filled).
FILL_ROWS = f"""
WITH batch AS (
    SELECT id, material_type, source_type, currency, origin_country, certifications,
           created_at
    FROM materials WHERE {LIVE} AND (created_at, id) > (:created_at, :id)
    ORDER BY created_at, id LIMIT {FILL_BATCH}
), filled AS (
    UPDATE material_search s
    SET source_type = b.source_type, currency = b.currency,
        origin_country = b.origin_country, schemes = material_search_schemes(b.certifications)
    FROM batch b
    WHERE s.material_id = b.id AND s.material_type = b.material_type AND s.schemes IS NULL
)
SELECT created_at, id FROM batch ORDER BY created_at DESC, id DESC LIMIT 1
"""


def upgrade() -> None:
    op.execute(SCHEMES_FUNCTION)
    op.execute(
        "ALTER TABLE material_search "
        "ADD COLUMN IF NOT EXISTS source_type varchar(32), "
        "ADD COLUMN IF NOT EXISTS currency varchar(3), "
        "ADD COLUMN IF NOT EXISTS origin_country varchar(2), "
        "ADD COLUMN IF NOT EXISTS schemes text[]"
    )
    op.execute(_sync_function(facet_columns=True))
    with op.get_context().autocommit_block():
        bind = op.get_bind()
        after = {"created_at": datetime.min.replace(tzinfo=UTC), "id": uuid.UUID(int=0)}
        filled = False
        while True:
            last = bind.execute(sa.text(FILL_ROWS), after).first()
            if last is None:
                break
            filled = True
            after = {"created_at": last.created_at, "id": last.id}
        if filled:
            bind.execute(sa.text("VACUUM (ANALYZE) material_search"))


def downgrade() -> None:
    op.execute(_sync_function(facet_columns=False))
    op.execute(
        "ALTER TABLE material_search DROP COLUMN source_type, DROP COLUMN currency, "
        "DROP COLUMN origin_country, DROP COLUMN schemes"
    )
    op.execute("DROP FUNCTION material_search_schemes(jsonb)")
