"""admin role and the audit log of operator actions

Revision ID: 0016_operator_audit
Revises: 0015_notifications
Create Date: 2026-12-04 11:20:07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0016_operator_audit'
down_revision: str | None = '0015_notifications'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # `admin`: the operator's role, made by `fabricloop create-admin` only.
    op.drop_constraint(op.f('ck_users_role_known'), 'users', type_='check')
    op.create_check_constraint(
        op.f('ck_users_role_known'), 'users', "role IN ('manufacturer', 'brand', 'admin')"
    )
    op.create_table('admin_actions',
    sa.Column('admin_id', sa.UUID(), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.UUID(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('char_length(action) BETWEEN 1 AND 60', name=op.f('ck_admin_actions_action_length')),
    sa.CheckConstraint('char_length(target_type) BETWEEN 1 AND 40', name=op.f('ck_admin_actions_target_type_length')),
    sa.ForeignKeyConstraint(['admin_id'], ['users.id'], name=op.f('fk_admin_actions_admin_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_actions'))
    )
    op.create_index('ix_admin_actions_admin_id_created_at', 'admin_actions', ['admin_id', 'created_at'], unique=False)
    op.create_index('ix_admin_actions_created_at', 'admin_actions', ['created_at'], unique=False)
    op.create_index('ix_admin_actions_target', 'admin_actions', ['target_type', 'target_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_admin_actions_target', table_name='admin_actions')
    op.drop_index('ix_admin_actions_created_at', table_name='admin_actions')
    op.drop_index('ix_admin_actions_admin_id_created_at', table_name='admin_actions')
    op.drop_table('admin_actions')
    op.drop_constraint(op.f('ck_users_role_known'), 'users', type_='check')
    op.create_check_constraint(op.f('ck_users_role_known'), 'users', "role IN ('manufacturer', 'brand')")
