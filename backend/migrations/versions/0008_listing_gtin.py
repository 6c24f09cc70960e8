"""materials: a GS1 GTIN per listing, for the Digital Link resolver

`gtin` is nullable, so adding it rewrites no table. The resolver finds passports by GTIN
through a partial index of the listings that have one, built CONCURRENTLY (outside the
migration's transaction) so that writes to the listings never wait for it; a failed build
leaves an INVALID index, which the upgrade drops first.

Revision ID: 0008_listing_gtin
Revises: 0007_trade_terms
Create Date: 2026-12-04 05:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_listing_gtin'
down_revision: str | None = '0007_trade_terms'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('materials', sa.Column('gtin', sa.String(length=14), nullable=True))
    with op.get_context().autocommit_block():
        op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_materials_gtin')
        op.create_index(
            'ix_materials_gtin',
            'materials',
            ['gtin'],
            unique=False,
            postgresql_where=sa.text('gtin IS NOT NULL'),
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            'ix_materials_gtin',
            table_name='materials',
            postgresql_where=sa.text('gtin IS NOT NULL'),
            postgresql_concurrently=True,
        )
    op.drop_column('materials', 'gtin')
