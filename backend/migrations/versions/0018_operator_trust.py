"""company details and verification, suspensions, hidden listings and listing reports

Revision ID: 0018_operator_trust
Revises: 0017_saved_searches
Create Date: 2026-12-04 11:51:11
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018_operator_trust'
down_revision: str | None = '0017_saved_searches'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('companies',
    sa.Column('user_id', sa.UUID(), nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=False),
    sa.Column('registration_number', sa.String(length=50), nullable=False),
    sa.Column('vat_number', sa.String(length=30), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('char_length(country) = 2', name=op.f('ck_companies_country_alpha2')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_companies_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_companies'))
    )
    op.create_table('listing_reports',
    sa.Column('material_id', sa.UUID(), nullable=False),
    sa.Column('reporter_id', sa.UUID(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='open', nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.UUID(), nullable=True),
    sa.Column('resolution', sa.String(length=1000), nullable=True),
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("reason IN ('counterfeit_claim', 'misleading_metrics', 'prohibited', 'other')", name=op.f('ck_listing_reports_reason_known')),
    sa.CheckConstraint("status IN ('open', 'actioned', 'dismissed')", name=op.f('ck_listing_reports_status_known')),
    sa.ForeignKeyConstraint(['material_id'], ['materials.id'], name=op.f('fk_listing_reports_material_id_materials'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_listing_reports_reporter_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_listing_reports_resolved_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_reports'))
    )
    op.create_index('ix_listing_reports_material_id', 'listing_reports', ['material_id'], unique=False)
    op.create_index('ix_listing_reports_status_created_at', 'listing_reports', ['status', 'created_at'], unique=False)
    op.create_index('uq_listing_reports_open_per_reporter', 'listing_reports', ['material_id', 'reporter_id'], unique=True, postgresql_where=sa.text("status = 'open'"))
    op.add_column('materials', sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('materials', sa.Column('hidden_reason', sa.String(length=1000), nullable=True))
    op.add_column('materials', sa.Column('held_status', sa.String(length=16), nullable=True))
    op.add_column('users', sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('suspension_reason', sa.String(length=1000), nullable=True))
    # `hidden`: withheld by the operator. Not `active`, so the search table's trigger (0006)
    # drops the listing and the partial indexes of live listings leave it out.
    op.drop_constraint(op.f('ck_materials_status_known'), 'materials', type_='check')
    op.create_check_constraint(
        op.f('ck_materials_status_known'),
        'materials',
        "status IN ('draft', 'active', 'sold_out', 'archived', 'hidden')",
    )


def downgrade() -> None:
    op.execute(
        "UPDATE materials SET status = coalesce(held_status, 'archived') WHERE status = 'hidden'"
    )
    op.drop_constraint(op.f('ck_materials_status_known'), 'materials', type_='check')
    op.create_check_constraint(
        op.f('ck_materials_status_known'),
        'materials',
        "status IN ('draft', 'active', 'sold_out', 'archived')",
    )
    op.drop_column('users', 'suspension_reason')
    op.drop_column('users', 'suspended_at')
    op.drop_column('users', 'verified_at')
    op.drop_column('materials', 'held_status')
    op.drop_column('materials', 'hidden_reason')
    op.drop_column('materials', 'hidden_at')
    op.drop_index('uq_listing_reports_open_per_reporter', table_name='listing_reports', postgresql_where=sa.text("status = 'open'"))
    op.drop_index('ix_listing_reports_status_created_at', table_name='listing_reports')
    op.drop_index('ix_listing_reports_material_id', table_name='listing_reports')
    op.drop_table('listing_reports')
    op.drop_table('companies')
