"""offers: a buyer's proposal on a listing and the rounds that answer it

Revision ID: 0009_trade_offers
Revises: 0008_listing_gtin
Create Date: 2026-12-04 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0009_trade_offers'
down_revision: str | None = '0008_listing_gtin'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'offers',
        sa.Column('material_id', sa.UUID(), nullable=False),
        sa.Column('buyer_id', sa.UUID(), nullable=False),
        sa.Column('seller_id', sa.UUID(), nullable=False),
        sa.Column('lot_code', sa.String(64), nullable=True),
        sa.Column('quantity', sa.Numeric(14, 3), nullable=False),
        sa.Column('unit_price', sa.Numeric(12, 2), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('last_by', sa.String(8), nullable=False),
        sa.Column('rounds', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('shipping_address', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('transaction_id', sa.UUID(), nullable=True),
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'declined', 'withdrawn', 'expired')",
            name=op.f('ck_offers_status_known'),
        ),
        sa.CheckConstraint("last_by IN ('buyer', 'seller')", name=op.f('ck_offers_last_by_known')),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_offers_quantity_positive')),
        sa.CheckConstraint('unit_price >= 0', name=op.f('ck_offers_unit_price_not_negative')),
        sa.CheckConstraint('buyer_id <> seller_id', name=op.f('ck_offers_not_own_listing')),
        sa.ForeignKeyConstraint(
            ['material_id'], ['materials.id'],
            name=op.f('fk_offers_material_id_materials'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['buyer_id'], ['users.id'], name=op.f('fk_offers_buyer_id_users'), ondelete='RESTRICT'
        ),
        sa.ForeignKeyConstraint(
            ['seller_id'], ['users.id'], name=op.f('fk_offers_seller_id_users'), ondelete='RESTRICT'
        ),
        sa.ForeignKeyConstraint(
            ['transaction_id'], ['transactions.id'],
            name=op.f('fk_offers_transaction_id_transactions'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offers')),
    )
    op.create_index('ix_offers_buyer_id_created_at', 'offers', ['buyer_id', 'created_at'])
    op.create_index('ix_offers_seller_id_created_at', 'offers', ['seller_id', 'created_at'])
    op.create_index('ix_offers_material_id', 'offers', ['material_id'])


def downgrade() -> None:
    op.drop_table('offers')
