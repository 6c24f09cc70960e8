"""invoice and credit note PDFs rendered by a job: when, and the commission as issued

Revision ID: 0024_invoice_files
Revises: 0023_thumbnail_jobs
Create Date: 2026-12-04 14:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_invoice_files"
down_revision: str | None = "0023_thumbnail_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "invoice_documents",
        sa.Column("platform_fee", sa.Numeric(precision=14, scale=2), nullable=True),
    )
    op.add_column(
        "invoice_documents",
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True),
    )
    # The commission when the order was paid: its first fee entry in the ledger (a refund
    # adds a negative one later), else what the order holds now.
    op.execute(
        """
        UPDATE invoice_documents d SET platform_fee = coalesce(
            (SELECT l.amount FROM ledger_entries l
              WHERE l.transaction_id = d.transaction_id AND l.kind = 'fee'
              ORDER BY l.position LIMIT 1),
            (SELECT t.platform_fee FROM transactions t WHERE t.id = d.transaction_id))
        WHERE d.kind = 'invoice'
        """
    )
    # Documents issued so far are rendered by the job, a batch at a time, or when downloaded.
    op.create_index(
        "ix_invoice_documents_unrendered",
        "invoice_documents",
        ["issued_at"],
        postgresql_where=sa.text("rendered_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_invoice_documents_unrendered", table_name="invoice_documents")
    op.drop_column("invoice_documents", "rendered_at")
    op.drop_column("invoice_documents", "platform_fee")
