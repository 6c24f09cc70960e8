"""shipping: seller profiles with zones; orders keep their shipping price, method and tracking

`shipping_profiles` (one per seller) and `shipping_zones` price delivery. Every order keeps
what its delivery was priced at (`shipping_price`, part of `total`), how (`shipping_method`),
the incoterm and the quoted delivery days, and on shipping the carrier. Existing orders had
no shipping price: they get 0 and `arranged_by_seller`, so their totals are unchanged (the
defaults are constants, so adding the columns rewrites no rows). A pickup order has no
address: JSON null, as an order from an offer without one.

Revision ID: 0014_shipping
Revises: 0013_fx_rates
Create Date: 2026-12-04 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0014_shipping'
down_revision: str | None = '0013_fx_rates'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'shipping_profiles',
        sa.Column('seller_id', sa.UUID(), nullable=False),
        sa.Column('ships_from', sa.String(length=2), nullable=False),
        sa.Column('handling_days', sa.SmallInteger(), nullable=False),
        sa.Column('incoterm', sa.String(length=3), nullable=False),
        sa.Column('pickup_available', sa.Boolean(), nullable=False),
        sa.Column(
            'updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'),
            nullable=False,
        ),
        sa.CheckConstraint(
            "incoterm IN ('EXW', 'FCA', 'DAP', 'DDP')",
            name=op.f('ck_shipping_profiles_incoterm_known'),
        ),
        sa.CheckConstraint(
            'handling_days BETWEEN 0 AND 60',
            name=op.f('ck_shipping_profiles_handling_days_range'),
        ),
        sa.ForeignKeyConstraint(
            ['seller_id'], ['users.id'],
            name=op.f('fk_shipping_profiles_seller_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('seller_id', name=op.f('pk_shipping_profiles')),
    )
    op.create_table(
        'shipping_zones',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('seller_id', sa.UUID(), nullable=False),
        sa.Column('position', sa.SmallInteger(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('countries', postgresql.ARRAY(sa.String(length=2)), nullable=False),
        sa.Column('base_price', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('price_per_kg', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('free_over', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('transit_days_min', sa.SmallInteger(), nullable=False),
        sa.Column('transit_days_max', sa.SmallInteger(), nullable=False),
        sa.CheckConstraint('base_price >= 0', name=op.f('ck_shipping_zones_base_price_not_negative')),
        sa.CheckConstraint(
            'price_per_kg >= 0', name=op.f('ck_shipping_zones_price_per_kg_not_negative')
        ),
        sa.CheckConstraint(
            'free_over IS NULL OR free_over >= 0',
            name=op.f('ck_shipping_zones_free_over_not_negative'),
        ),
        sa.CheckConstraint(
            'transit_days_min >= 0 AND transit_days_min <= transit_days_max',
            name=op.f('ck_shipping_zones_transit_days_range'),
        ),
        sa.CheckConstraint(
            'cardinality(countries) > 0', name=op.f('ck_shipping_zones_has_countries')
        ),
        sa.ForeignKeyConstraint(
            ['seller_id'], ['shipping_profiles.seller_id'],
            name=op.f('fk_shipping_zones_seller_id_shipping_profiles'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shipping_zones')),
    )
    op.create_index(
        'ix_shipping_zones_seller_id_position', 'shipping_zones', ['seller_id', 'position'],
        unique=True,
    )

    op.add_column(
        'transactions',
        sa.Column(
            'shipping_price', sa.Numeric(precision=14, scale=2), server_default='0',
            nullable=False,
        ),
    )
    op.add_column(
        'transactions',
        sa.Column(
            'shipping_method', sa.String(length=20), server_default='arranged_by_seller',
            nullable=False,
        ),
    )
    op.add_column('transactions', sa.Column('incoterm', sa.String(length=3), nullable=True))
    op.add_column('transactions', sa.Column('delivery_days_min', sa.SmallInteger(), nullable=True))
    op.add_column('transactions', sa.Column('delivery_days_max', sa.SmallInteger(), nullable=True))
    op.add_column('transactions', sa.Column('carrier', sa.String(length=16), nullable=True))
    op.create_check_constraint(
        op.f('ck_transactions_shipping_price_in_total'), 'transactions',
        'shipping_price >= 0 AND shipping_price <= total',
    )
    op.create_check_constraint(
        op.f('ck_transactions_shipping_method_known'), 'transactions',
        "shipping_method IN ('zone', 'pickup', 'arranged_by_seller')",
    )
    op.create_check_constraint(
        op.f('ck_transactions_delivery_days_range'), 'transactions',
        'delivery_days_min IS NULL OR delivery_days_min <= delivery_days_max',
    )
    op.create_check_constraint(
        op.f('ck_transactions_carrier_known'), 'transactions',
        "carrier IN ('dhl', 'ups', 'fedex', 'dpd', 'gls', 'tnt', 'postnl', 'other')",
    )


def downgrade() -> None:
    for name in (
        'carrier_known',
        'delivery_days_range',
        'shipping_method_known',
        'shipping_price_in_total',
    ):
        op.drop_constraint(op.f(f'ck_transactions_{name}'), 'transactions', type_='check')
    for column in (
        'carrier', 'delivery_days_max', 'delivery_days_min', 'incoterm', 'shipping_method',
        'shipping_price',
    ):
        op.drop_column('transactions', column)
    op.drop_index('ix_shipping_zones_seller_id_position', table_name='shipping_zones')
    op.drop_table('shipping_zones')
    op.drop_table('shipping_profiles')
