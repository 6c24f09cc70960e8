"""money: sellers' connected accounts, payouts (transfers), disputes and their messages

Payments gain the status `refunded` (charged, then refunded in full because the order could
not keep it: paid after it was cancelled, or a second charge of it). A payout is the transfer of one completed order's seller share; `reversed_amount` grows when
a refund after the payout reverses part of it. A dispute is opened by the buyer here or by a
card dispute at the gateway (`source`); at most one of each source is open per order.

Revision ID: 0008_money_payouts
Revises: 0007_trade_terms
Create Date: 2026-12-04 05:44:08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_money_payouts'
down_revision: str | None = '0007_trade_terms'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f('ck_payments_status_known'), 'payments', type_='check')
    op.create_check_constraint(
        op.f('ck_payments_status_known'),
        'payments',
        "status IN ('succeeded', 'failed', 'requires_action', 'processing', 'refunded')",
    )
    op.create_table('connected_accounts',
    sa.Column('user_id', sa.UUID(), nullable=False),
    sa.Column('gateway', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('payouts_enabled', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'enabled', 'restricted')", name=op.f('ck_connected_accounts_status_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_connected_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_connected_accounts'))
    )
    op.create_index('uq_connected_accounts_reference', 'connected_accounts', ['reference'], unique=True)
    op.create_table('disputes',
    sa.Column('transaction_id', sa.UUID(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('opened_by', sa.UUID(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('details', sa.String(length=5000), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='open', nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('refunded_amount', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False),
    sa.Column('reference', sa.String(length=255), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('refund_full', 'refund_partial', 'release')", name=op.f('ck_disputes_outcome_known')),
    sa.CheckConstraint("reason IN ('not_received', 'not_as_described', 'damaged', 'other')", name=op.f('ck_disputes_reason_known')),
    sa.CheckConstraint("source IN ('buyer', 'card')", name=op.f('ck_disputes_source_known')),
    sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_disputes_status_known')),
    sa.CheckConstraint('refunded_amount >= 0', name=op.f('ck_disputes_refunded_not_negative')),
    sa.ForeignKeyConstraint(['opened_by'], ['users.id'], name=op.f('fk_disputes_opened_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['transaction_id'], ['transactions.id'], name=op.f('fk_disputes_transaction_id_transactions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes'))
    )
    op.create_index('ix_disputes_transaction_id', 'disputes', ['transaction_id'], unique=False)
    op.create_index('uq_disputes_open_per_transaction', 'disputes', ['transaction_id', 'source'], unique=True, postgresql_where=sa.text("status = 'open'"))
    op.create_index('uq_disputes_reference', 'disputes', ['reference'], unique=True)
    op.create_table('payouts',
    sa.Column('transaction_id', sa.UUID(), nullable=False),
    sa.Column('seller_id', sa.UUID(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reversed_amount', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reference', sa.String(length=255), nullable=False),
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payouts_amount_positive')),
    sa.CheckConstraint('reversed_amount >= 0 AND reversed_amount <= amount', name=op.f('ck_payouts_reversed_ok')),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'], name=op.f('fk_payouts_seller_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['transaction_id'], ['transactions.id'], name=op.f('fk_payouts_transaction_id_transactions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts'))
    )
    op.create_index('ix_payouts_seller_id_created_at', 'payouts', ['seller_id', 'created_at'], unique=False)
    op.create_index('uq_payouts_transaction_id', 'payouts', ['transaction_id'], unique=True)
    op.create_table('dispute_messages',
    sa.Column('dispute_id', sa.UUID(), nullable=False),
    sa.Column('author_id', sa.UUID(), nullable=True),
    sa.Column('content', sa.String(length=5000), nullable=False),
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_dispute_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_dispute_messages_dispute_id_disputes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_messages'))
    )
    op.create_index('ix_dispute_messages_dispute_id_created_at', 'dispute_messages', ['dispute_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_dispute_messages_dispute_id_created_at', table_name='dispute_messages')
    op.drop_table('dispute_messages')
    op.drop_index('uq_payouts_transaction_id', table_name='payouts')
    op.drop_index('ix_payouts_seller_id_created_at', table_name='payouts')
    op.drop_table('payouts')
    op.drop_index('uq_disputes_reference', table_name='disputes')
    op.drop_index('uq_disputes_open_per_transaction', table_name='disputes', postgresql_where=sa.text("status = 'open'"))
    op.drop_index('ix_disputes_transaction_id', table_name='disputes')
    op.drop_table('disputes')
    op.drop_index('uq_connected_accounts_reference', table_name='connected_accounts')
    op.drop_table('connected_accounts')
    op.drop_constraint(op.f('ck_payments_status_known'), 'payments', type_='check')
    op.create_check_constraint(
        op.f('ck_payments_status_known'),
        'payments',
        "status IN ('succeeded', 'failed', 'requires_action', 'processing')",
    )
