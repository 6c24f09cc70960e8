"""materials: categorical filters indexed next to the words of a listing

A GIN index over the search vector plus one lexeme per categorical filter (type, source,
currency, country: `materials.models.FACETS_SQL`). A text search with such a filter then finds
the rows that have both the words and the category in the index, and reads only those from the
heap (for its count, or to rank them), instead of every row that has the words.

A concurrent build that fails (or is interrupted) leaves an INVALID index behind, which is why
the upgrade drops any index of that name first: running it again then builds a valid one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status = 'active' AND deleted_at IS NULL"
# A copy, not an import: a migration must keep meaning what it meant when it was written.
SEARCHABLE = (
    "(search_vector || array_to_tsvector(ARRAY['type_' || material_type, "
    "'source_' || source_type, 'currency_' || currency, "
    "'country_' || coalesce(origin_country, '')]))"
)


def upgrade() -> None:
    # CONCURRENTLY, outside the migration's transaction: a plain build would block every write
    # to the listings (creates, updates, purchases) for as long as it takes (16 s at a million
    # listings on an idle 2-core machine; writes time out after 15 s).
    with op.get_context().autocommit_block():
        op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_materials_live_search_facets')
        op.create_index(
            'ix_materials_live_search_facets',
            'materials',
            [sa.text(SEARCHABLE)],
            unique=False,
            postgresql_using='gin',
            postgresql_where=sa.text(LIVE),
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            'ix_materials_live_search_facets',
            table_name='materials',
            postgresql_using='gin',
            postgresql_where=sa.text(LIVE),
            postgresql_concurrently=True,
        )
