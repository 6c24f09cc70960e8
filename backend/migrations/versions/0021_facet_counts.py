"""the facet counts of searches without text, rebuilt by a periodic job

Revision ID: 0021_facet_counts
Revises: 0020_purchase_order
Create Date: 2026-12-04 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_facet_counts"
down_revision: str | None = "0020_purchase_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty until the job `refresh_facet_counts` first runs (within a minute of a worker's
    # start); searches compute their facets from the listings meanwhile.
    op.create_table(
        "material_facet_counts",
        sa.Column("scheme", sa.String(length=100), nullable=False),
        sa.Column("material_type", sa.String(length=32), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=False),
        sa.Column("origin_country", sa.String(length=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("listings", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("material_facet_counts")
