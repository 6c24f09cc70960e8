"""materials: a partial index of live listings by (currency, price, id) for converted sorts

A price sort in a display currency compares each listing's price converted at the reference
rates, which no index holds: at a million listings the page converted and sorted every match
(p95 319-369 ms over HTTP). Converting is monotonic within one currency, so the search walks
this index once per currency, in price order, and merges the first listings of each.

Built CONCURRENTLY (outside the migration's transaction) so that writes go on during the build
on a big database; on an empty one it takes milliseconds.

Revision ID: 0027_currency_price_index
Revises: 0026_color_grams
Create Date: 2026-12-04 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_currency_price_index"
down_revision: str | None = "0026_color_grams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_materials_live_currency_price_id"
LIVE = "status = 'active' AND deleted_at IS NULL"


def upgrade() -> None:
    with op.get_context().autocommit_block():
        # An interrupted concurrent build leaves an invalid index behind: start again.
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
        op.create_index(
            NAME,
            "materials",
            ["currency", "price", "id"],
            unique=False,
            postgresql_where=sa.text(LIVE),
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            NAME,
            table_name="materials",
            postgresql_where=sa.text(LIVE),
            postgresql_concurrently=True,
        )
