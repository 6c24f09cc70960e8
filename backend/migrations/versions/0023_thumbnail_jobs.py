"""image thumbnails made by a job: their state, attempts and due time

Revision ID: 0023_thumbnail_jobs
Revises: 0022_facet_counts_currency
Create Date: 2026-12-04 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_thumbnail_jobs"
down_revision: str | None = "0022_facet_counts_currency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every image uploaded so far has its thumbnail: ready.
    op.add_column(
        "images",
        sa.Column("thumbnail_status", sa.String(length=10), server_default="ready", nullable=False),
    )
    op.add_column(
        "images",
        sa.Column("thumbnail_attempts", sa.SmallInteger(), server_default="0", nullable=False),
    )
    op.add_column(
        "images", sa.Column("thumbnail_due_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_check_constraint(
        op.f("ck_images_thumbnail_status_known"),
        "images",
        "thumbnail_status IN ('pending', 'ready', 'failed')",
    )
    op.create_index(
        "ix_images_thumbnail_due_at",
        "images",
        ["thumbnail_due_at"],
        postgresql_where=sa.text("thumbnail_status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_images_thumbnail_due_at", table_name="images")
    op.drop_constraint(op.f("ck_images_thumbnail_status_known"), "images", type_="check")
    op.drop_column("images", "thumbnail_due_at")
    op.drop_column("images", "thumbnail_attempts")
    op.drop_column("images", "thumbnail_status")
