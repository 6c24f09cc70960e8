"""transactions: an index of the orders paid with a charge, by when

A payment's invoice is now issued after the payment commits, in a statement of its own, so the
seller's invoice counter is locked for that statement only (a hot seller's payments had queued
for it: on average 26 of 64 database sessions waiting, docs/performance.md). A process that
stops between the two leaves a paid order without its invoice; the `issue_due_invoices` job
finds those among the orders paid in the last days, by this index.

Revision ID: 0031_charged_paid_at
Revises: 0030_search_stock_update
Create Date: 2026-12-05 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_charged_paid_at"
down_revision: str | None = "0030_search_stock_update"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_transactions_charged_paid_at",
        "transactions",
        ["paid_at"],
        postgresql_where=sa.text("platform_fee IS NOT NULL AND total > 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_transactions_charged_paid_at", table_name="transactions")
