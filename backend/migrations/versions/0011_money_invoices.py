"""money: invoice and credit-note numbers per seller

`document_counters` holds each seller's last number per kind; taking the next one updates its
row, locked until the commit, so numbers have no gaps even under concurrency. Orders paid
before this revision get their invoice number when it is first downloaded.

Revision ID: 0011_money_invoices
Revises: 0010_merge_offers
Create Date: 2026-12-04 06:31:01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_money_invoices'
down_revision: str | None = '0010_merge_offers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document_counters',
    sa.Column('seller_id', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f('ck_document_counters_kind_known')),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'], name=op.f('fk_document_counters_seller_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seller_id', 'kind', name=op.f('pk_document_counters'))
    )
    op.create_table('invoice_documents',
    sa.Column('seller_id', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.UUID(), nullable=False),
    sa.Column('refund_id', sa.UUID(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f('ck_invoice_documents_kind_known')),
    sa.CheckConstraint('number > 0', name=op.f('ck_invoice_documents_number_positive')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_invoice_documents_refund_id_refunds'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'], name=op.f('fk_invoice_documents_seller_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['transaction_id'], ['transactions.id'], name=op.f('fk_invoice_documents_transaction_id_transactions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_documents'))
    )
    op.create_index('uq_invoice_documents_number', 'invoice_documents', ['seller_id', 'kind', 'number'], unique=True)
    op.create_index('uq_invoice_documents_one_invoice', 'invoice_documents', ['transaction_id'], unique=True, postgresql_where=sa.text("kind = 'invoice'"))
    op.create_index('uq_invoice_documents_refund_id', 'invoice_documents', ['refund_id'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_invoice_documents_refund_id', table_name='invoice_documents')
    op.drop_index('uq_invoice_documents_one_invoice', table_name='invoice_documents', postgresql_where=sa.text("kind = 'invoice'"))
    op.drop_index('uq_invoice_documents_number', table_name='invoice_documents')
    op.drop_table('invoice_documents')
    op.drop_table('document_counters')
