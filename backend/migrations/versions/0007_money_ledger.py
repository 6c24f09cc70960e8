"""money: the ledger, refunds, and each order's commission, refunded amount and payout status

`ledger_entries` is append-only: a trigger refuses UPDATE and DELETE, so a correction is a new
entry. Orders paid before this revision took no commission: they get `platform_fee` 0, payout
status `held`, and one `charge` entry each (the gateway reference of their successful
payment), so that every paid order satisfies charges - refunds = fees + transfers + held.

Revision ID: 0007_money_ledger
Revises: 0006
Create Date: 2026-12-04 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_money_ledger'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('transactions', sa.Column('platform_fee', sa.Numeric(14, 2), nullable=True))
    op.add_column(
        'transactions',
        sa.Column('refunded_amount', sa.Numeric(14, 2), server_default='0', nullable=False),
    )
    op.add_column(
        'transactions',
        sa.Column('payout_status', sa.String(16), server_default='none', nullable=False),
    )
    op.create_check_constraint(
        op.f('ck_transactions_payout_status_known'),
        'transactions',
        "payout_status IN ('none', 'held', 'scheduled', 'paid', 'reversed')",
    )
    op.create_check_constraint(
        op.f('ck_transactions_refunded_within_total'),
        'transactions',
        'refunded_amount >= 0 AND refunded_amount <= total',
    )
    op.create_table(
        'ledger_entries',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('position', sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column('transaction_id', sa.UUID(), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('amount', sa.Numeric(14, 2), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('reference', sa.String(255), nullable=True),
        sa.Column(
            'created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "kind IN ('charge', 'fee', 'refund', 'transfer', 'transfer_reversal')",
            name=op.f('ck_ledger_entries_kind_known'),
        ),
        sa.CheckConstraint(
            "kind = 'fee' OR amount > 0", name=op.f('ck_ledger_entries_amount_positive')
        ),
        sa.ForeignKeyConstraint(
            ['transaction_id'],
            ['transactions.id'],
            name=op.f('fk_ledger_entries_transaction_id_transactions'),
            ondelete='RESTRICT',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    )
    op.create_index(
        'ix_ledger_entries_transaction_id_position',
        'ledger_entries',
        ['transaction_id', 'position'],
    )
    op.execute(
        """
        CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'ledger_entries is append-only: % refused', TG_OP
                USING ERRCODE = 'restrict_violation';
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
            FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()
        """
    )
    op.create_table(
        'refunds',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('transaction_id', sa.UUID(), nullable=False),
        sa.Column('amount', sa.Numeric(14, 2), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('reason', sa.String(500), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('gateway_reference', sa.String(255), nullable=True),
        sa.Column('requested_by', sa.UUID(), nullable=True),
        sa.Column('buyer_notified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            'created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            'updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('succeeded', 'pending', 'failed')", name=op.f('ck_refunds_status_known')
        ),
        sa.CheckConstraint('amount > 0', name=op.f('ck_refunds_amount_positive')),
        sa.ForeignKeyConstraint(
            ['transaction_id'],
            ['transactions.id'],
            name=op.f('fk_refunds_transaction_id_transactions'),
            ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['requested_by'],
            ['users.id'],
            name=op.f('fk_refunds_requested_by_users'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    )
    op.create_index('ix_refunds_transaction_id', 'refunds', ['transaction_id'])
    op.create_index('uq_refunds_gateway_reference', 'refunds', ['gateway_reference'], unique=True)
    op.execute(
        """
        UPDATE transactions SET platform_fee = 0, payout_status = 'held'
        WHERE status IN ('paid', 'shipped', 'completed')
        """
    )
    op.execute(
        """
        INSERT INTO ledger_entries (transaction_id, kind, amount, currency, reference, created_at)
        SELECT t.id, 'charge', t.total, t.currency,
               (SELECT p.gateway_reference FROM payments p
                WHERE p.transaction_id = t.id AND p.status = 'succeeded' LIMIT 1),
               COALESCE(t.paid_at, now())
        FROM transactions t
        WHERE t.status IN ('paid', 'shipped', 'completed') AND t.total > 0
        """
    )


def downgrade() -> None:
    op.drop_index('uq_refunds_gateway_reference', table_name='refunds')
    op.drop_index('ix_refunds_transaction_id', table_name='refunds')
    op.drop_table('refunds')
    op.execute('DROP TRIGGER ledger_entries_append_only ON ledger_entries')
    op.execute('DROP FUNCTION ledger_entries_append_only()')
    op.drop_index('ix_ledger_entries_transaction_id_position', table_name='ledger_entries')
    op.drop_table('ledger_entries')
    op.drop_constraint('ck_transactions_refunded_within_total', 'transactions', type_='check')
    op.drop_constraint('ck_transactions_payout_status_known', 'transactions', type_='check')
    op.drop_column('transactions', 'payout_status')
    op.drop_column('transactions', 'refunded_amount')
    op.drop_column('transactions', 'platform_fee')
