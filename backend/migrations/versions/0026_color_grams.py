"""materials: indexes of colour trigrams for the colour filter

The colour filter is a case-insensitive substring (`navy` finds `Navy blue`) of a lot's colour
or the listing's. No B-tree answers that, so at a million listings a search by colour alone
probed the lots of every listing it walked through (p95 1,262 ms over HTTP). pg_trgm is not
available everywhere the app runs (the embedded PostgreSQL has no contrib extensions), so the
trigrams are an array of the built-in GIN `array_ops`: `material_color_grams(color)` holds each
three-character substring of lower(color), and a colour containing the searched text holds all
of that text's trigrams (a superset the search then checks with ILIKE).

Built CONCURRENTLY (outside the migration's transaction) so that writes go on during the build
on a big database; on an empty one each takes milliseconds.

Revision ID: 0026_color_grams
Revises: 0025_country_index
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026_color_grams"
down_revision: str | None = "0025_country_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status = 'active' AND deleted_at IS NULL"

GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION material_color_grams(color text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower(color), i, 3)), '{}')
    FROM generate_series(1, length(color) - 2) AS i
$$
"""

INDEXES = (
    ("ix_materials_live_color_grams", "materials", f"WHERE {LIVE}"),
    ("ix_material_lots_color_grams", "material_lots", ""),
)


def upgrade() -> None:
    op.execute(GRAMS_FUNCTION)
    with op.get_context().autocommit_block():
        for name, table, where in INDEXES:
            # An interrupted concurrent build leaves an invalid index behind: start again.
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            op.execute(
                f"CREATE INDEX CONCURRENTLY {name} ON {table} "
                f"USING gin (material_color_grams(color)) {where}"
            )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, _, _ in INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS material_color_grams(text)")
