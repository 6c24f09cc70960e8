"""materials: a search table of the live listings, partitioned by material type

Text search reads `material_search`: one narrow row per live listing (active, not deleted)
with the columns a search filters or sorts on and one `document`, the listing's weighted
words plus a lexeme per categorical filter (type, source, currency, country, certification
scheme). Its GIN index also holds terms of the price (`le_15`: at most 15, `ge_5`: at least
5), so that a price bound at one of those values is answered by the index too. A trigger on
`materials` keeps the table in step inside the writing transaction, so no reader ever sees a
listing that is gone or a quantity that changed.

Partitioned by material type, the rows of one type sit together on disk. A text search with
a type filter then finds its matches in a few thousand pages instead of spread over the whole
table: counting the 80,000 matches of `organic cotton` + type organic_cotton went from 25 ms
(the facet index of 0005 over `materials`) to 9 ms. The GIN indexes of `materials` (0003,
0005) stay for one release: the previous release's processes search with them during a
rolling restart or after a rollback (docs/deployment.md); the next release drops them.

Writes go on during the upgrade: the trigger is in place before the copy starts, and the copy
runs in batches that lock their rows (FOR SHARE) while they are copied, so a listing changed
meanwhile is copied as it is after the change, or not at all once it is gone. Every step can
run again, so an upgrade interrupted during the copy completes when it is run once more.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:00:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status = 'active' AND deleted_at IS NULL"
# Copies, not imports: a migration must keep meaning what it meant when it was written.
MATERIAL_TYPES = (
    'cotton', 'organic_cotton', 'recycled_cotton', 'polyester', 'recycled_polyester', 'nylon',
    'recycled_nylon', 'wool', 'recycled_wool', 'viscose', 'lyocell', 'linen', 'hemp', 'silk',
    'acrylic', 'elastane', 'blend', 'other',
)
COPY_BATCH = 10_000
# Prices with a term in the search index: `le_T` for a listing priced at most T, `ge_T` for one
# priced at least T (a copy of materials.search_sql.PRICE_TERMS).
PRICE_TERMS = (1, 2, 3, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000)


def _price_terms_function() -> str:
    """material_search_price_terms(price): the terms of a price, looked up rather than built
    (a recheck of the index evaluates it on every candidate row). width_bucket counts the
    thresholds <= price: n of them, the price equal to the n-th or strictly between."""
    sets = [" ".join(f"le_{t}" for t in PRICE_TERMS)]  # below the first threshold
    for n, threshold in enumerate(PRICE_TERMS, start=1):
        at_least = [f"ge_{t}" for t in PRICE_TERMS[:n]]
        sets.append(" ".join(at_least + [f"le_{t}" for t in PRICE_TERMS[n - 1:]]))  # equal
        sets.append(" ".join(at_least + [f"le_{t}" for t in PRICE_TERMS[n:]]))  # between
    terms = ", ".join(f"'{terms}'::tsvector" for terms in sets)
    thresholds = "'{" + ",".join(str(t) for t in PRICE_TERMS) + "}'::numeric[]"
    return f"""
CREATE OR REPLACE FUNCTION material_search_price_terms(price numeric) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (ARRAY[{terms}])[
        2 * width_bucket(price, {thresholds}) + 1 - (price = ANY({thresholds}))::int
    ]
$$
"""


CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS material_search (
    material_id uuid NOT NULL,
    material_type varchar(32) NOT NULL,
    seller_id uuid NOT NULL,
    price numeric(12, 2) NOT NULL,
    quantity numeric(14, 3) NOT NULL,
    created_at timestamptz NOT NULL,
    document tsvector NOT NULL,
    CONSTRAINT pk_material_search PRIMARY KEY (material_id, material_type),
    CONSTRAINT fk_material_search_material_id_materials FOREIGN KEY (material_id)
        REFERENCES materials (id) ON DELETE CASCADE
) PARTITION BY LIST (material_type)
"""

# The categorical lexemes: the text parser splits words at '_', so no query text yields one.
DOCUMENT_FUNCTION = """
CREATE OR REPLACE FUNCTION material_search_document(
    search_vector tsvector, material_type text, source_type text, currency text,
    origin_country text, certifications jsonb
) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT search_vector || array_to_tsvector(
        ARRAY['type_' || material_type, 'source_' || source_type, 'currency_' || currency,
              'country_' || coalesce(origin_country, '')]
        || ARRAY(
            SELECT DISTINCT 'cert_' || (c ->> 'scheme')
            FROM jsonb_array_elements(
                CASE WHEN jsonb_typeof(certifications) = 'array' THEN certifications
                     ELSE '[]'::jsonb END
            ) AS c
            WHERE jsonb_typeof(c) = 'object' AND c ->> 'scheme' IS NOT NULL
        )
    )
$$
"""

SYNC_FUNCTION = """
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
        -- An upsert: while 0006 copies the existing rows, this one may be there already.
        INSERT INTO material_search AS s
            (material_id, material_type, seller_id, price, quantity, created_at, document)
        VALUES (
            NEW.id, NEW.material_type, NEW.seller_id, NEW.price, NEW.quantity, NEW.created_at,
            material_search_document(NEW.search_vector, NEW.material_type, NEW.source_type,
                                     NEW.currency, NEW.origin_country, NEW.certifications)
        )
        ON CONFLICT (material_id, material_type) DO UPDATE SET
            seller_id = EXCLUDED.seller_id, price = EXCLUDED.price,
            quantity = EXCLUDED.quantity, created_at = EXCLUDED.created_at,
            document = EXCLUDED.document;
    END IF;
    RETURN NULL;
END
$$
"""

# In the order listings arrived in (the partial (created_at, id) index of 0003), as the trigger
# would have written them: a walk of the newest matches then reads adjacent pages.
COPY_ROWS = f"""
WITH batch AS (
    SELECT id, material_type, seller_id, price, quantity, created_at, search_vector,
           source_type, currency, origin_country, certifications
    FROM materials WHERE {LIVE} AND (created_at, id) > (:created_at, :id)
    ORDER BY created_at, id LIMIT {COPY_BATCH} FOR SHARE
), copied AS (
    INSERT INTO material_search
        (material_id, material_type, seller_id, price, quantity, created_at, document)
    SELECT id, material_type, seller_id, price, quantity, created_at,
           material_search_document(search_vector, material_type, source_type, currency,
                                    origin_country, certifications)
    FROM batch ORDER BY created_at, id
    ON CONFLICT (material_id, material_type) DO NOTHING
)
SELECT created_at, id FROM batch ORDER BY created_at DESC, id DESC LIMIT 1
"""


def upgrade() -> None:
    op.execute(CREATE_TABLE)
    for material_type in MATERIAL_TYPES:
        op.execute(
            f"CREATE TABLE IF NOT EXISTS material_search_{material_type} "
            f"PARTITION OF material_search FOR VALUES IN ('{material_type}') "
            "WITH (fillfactor = 90)"
        )
    # A type added to the vocabulary later lands here until it gets a partition of its own.
    op.execute(
        "CREATE TABLE IF NOT EXISTS material_search_default "
        "PARTITION OF material_search DEFAULT WITH (fillfactor = 90)"
    )
    op.execute(_price_terms_function())
    # One GIN index over the words, the categories and the price terms: a search ANDs them
    # inside one index scan, skipping through the long posting lists.
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_material_search_document_price_terms "
        "ON material_search USING gin (document, material_search_price_terms(price))"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_material_search_created_at_material_id "
        "ON material_search (created_at, material_id)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_material_search_price_material_id "
        "ON material_search (price, material_id)"
    )
    op.execute(DOCUMENT_FUNCTION)
    op.execute(SYNC_FUNCTION)
    op.execute(
        "CREATE OR REPLACE TRIGGER materials_search_sync "
        "AFTER INSERT OR UPDATE OR DELETE ON materials "
        "FOR EACH ROW EXECUTE FUNCTION material_search_sync()"
    )
    with op.get_context().autocommit_block():
        bind = op.get_bind()
        after = {"created_at": datetime.min.replace(tzinfo=UTC), "id": uuid.UUID(int=0)}
        while True:
            last = bind.execute(sa.text(COPY_ROWS), after).first()
            if last is None:
                break
            after = {"created_at": last.created_at, "id": last.id}
        # Vacuumed, not just analysed: counts skip the heap pages the visibility map marks.
        bind.execute(sa.text("VACUUM (ANALYZE) material_search"))


def downgrade() -> None:
    op.execute("DROP TRIGGER materials_search_sync ON materials")
    op.execute("DROP FUNCTION material_search_sync()")
    op.execute("DROP TABLE material_search")
    op.execute(
        "DROP FUNCTION material_search_document(tsvector, text, text, text, text, jsonb)"
    )
    op.execute("DROP FUNCTION material_search_price_terms(numeric)")
