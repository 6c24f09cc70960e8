"""fx_rates: reference exchange rates per day, units per 1 EUR

Revision ID: 0013_fx_rates
Revises: 0012_cache_epoch
Create Date: 2026-12-04 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_fx_rates'
down_revision: str | None = '0012_cache_epoch'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'fx_rates',
        sa.Column('rate_date', sa.Date(), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('rate', sa.Numeric(18, 6), nullable=False),
        sa.Column(
            'created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False
        ),
        sa.CheckConstraint('rate > 0', name=op.f('ck_fx_rates_rate_positive')),
        sa.PrimaryKeyConstraint('rate_date', 'currency', name=op.f('pk_fx_rates')),
    )


def downgrade() -> None:
    op.drop_table('fx_rates')
