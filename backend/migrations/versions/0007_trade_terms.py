"""trade terms: order increments, price tiers, samples, lots; sample orders and lot orders

Listings gain `order_increment`, `price_tiers`, `sample_available`, `sample_price` and
`sample_description`, and a table of lots whose rows hold each lot's stock. Transactions gain
`kind` (order or sample) and the `lot_code` their stock came from; a partial unique index
allows one open sample order per buyer and listing. Every new column is nullable or has a
constant default, so adding it rewrites no table.

Revision ID: 0007_trade_terms
Revises: 0007_money_ledger
Create Date: 2026-12-04 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007_trade_terms'
down_revision: str | None = '0007_money_ledger'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('materials', sa.Column('order_increment', sa.Numeric(14, 3), nullable=True))
    op.add_column(
        'materials',
        sa.Column(
            'price_tiers',
            postgresql.JSONB(astext_type=sa.Text()),
            server_default='[]',
            nullable=False,
        ),
    )
    op.add_column(
        'materials',
        sa.Column('sample_available', sa.Boolean(), server_default='false', nullable=False),
    )
    op.add_column('materials', sa.Column('sample_price', sa.Numeric(12, 2), nullable=True))
    op.add_column('materials', sa.Column('sample_description', sa.String(200), nullable=True))
    op.create_check_constraint(
        op.f('ck_materials_order_increment_positive'),
        'materials', 'order_increment IS NULL OR order_increment > 0'
    )
    op.create_check_constraint(
        op.f('ck_materials_sample_price_not_negative'),
        'materials', 'sample_price IS NULL OR sample_price >= 0'
    )
    op.create_table(
        'material_lots',
        sa.Column('material_id', sa.UUID(), nullable=False),
        sa.Column('lot_code', sa.String(64), nullable=False),
        sa.Column('quantity', sa.Numeric(14, 3), nullable=False),
        sa.Column('color', sa.String(100), nullable=True),
        sa.Column('grade', sa.String(16), nullable=False),
        sa.Column('width_cm', sa.Numeric(8, 2), nullable=True),
        sa.Column('weight_gsm', sa.Numeric(8, 2), nullable=True),
        sa.Column('position', sa.Integer(), server_default='0', nullable=False),
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.CheckConstraint('quantity >= 0', name=op.f('ck_material_lots_quantity_not_negative')),
        sa.CheckConstraint("grade IN ('first', 'second')", name=op.f('ck_material_lots_grade_known')),
        sa.CheckConstraint(
            'width_cm IS NULL OR width_cm > 0', name=op.f('ck_material_lots_width_positive')
        ),
        sa.CheckConstraint(
            'weight_gsm IS NULL OR weight_gsm > 0', name=op.f('ck_material_lots_weight_positive')
        ),
        sa.ForeignKeyConstraint(
            ['material_id'],
            ['materials.id'],
            name=op.f('fk_material_lots_material_id_materials'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_material_lots')),
    )
    op.create_index(
        'uq_material_lots_material_id_lot_code',
        'material_lots',
        ['material_id', 'lot_code'],
        unique=True,
    )
    op.add_column(
        'transactions', sa.Column('kind', sa.String(8), server_default='order', nullable=False)
    )
    op.add_column('transactions', sa.Column('lot_code', sa.String(64), nullable=True))
    op.create_check_constraint(
        op.f('ck_transactions_kind_known'), 'transactions', "kind IN ('order', 'sample')")
    op.create_index(
        'uq_transactions_open_sample',
        'transactions',
        ['buyer_id', 'material_id'],
        unique=True,
        postgresql_where=sa.text(
            "kind = 'sample' AND status IN ('pending', 'paid', 'shipped')"
        ),
    )


def downgrade() -> None:
    op.drop_index('uq_transactions_open_sample', table_name='transactions')
    op.drop_constraint('ck_transactions_kind_known', 'transactions', type_='check')
    op.drop_column('transactions', 'lot_code')
    op.drop_column('transactions', 'kind')
    op.drop_index('uq_material_lots_material_id_lot_code', table_name='material_lots')
    op.drop_table('material_lots')
    op.drop_constraint('ck_materials_sample_price_not_negative', 'materials', type_='check')
    op.drop_constraint('ck_materials_order_increment_positive', 'materials', type_='check')
    op.drop_column('materials', 'sample_description')
    op.drop_column('materials', 'sample_price')
    op.drop_column('materials', 'sample_available')
    op.drop_column('materials', 'price_tiers')
    op.drop_column('materials', 'order_increment')
