"""the buyer's purchase-order reference on an order; the parties named on invoices

Revision ID: 0020_purchase_order
Revises: 0019_documents_certificates
Create Date: 2026-12-04 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_purchase_order"
down_revision: str | None = "0019_documents_certificates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: adding it rewrites nothing (a catalogue-only change).
    op.add_column(
        "transactions", sa.Column("purchase_order_reference", sa.String(length=64), nullable=True)
    )
    for column in ("seller_party", "buyer_party"):
        op.add_column("invoice_documents", sa.Column(column, sa.String(length=1000), nullable=True))


def downgrade() -> None:
    for column in ("buyer_party", "seller_party"):
        op.drop_column("invoice_documents", column)
    op.drop_column("transactions", "purchase_order_reference")
