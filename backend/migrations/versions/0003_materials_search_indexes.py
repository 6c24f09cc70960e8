"""materials: search indexes over live listings only

Search reads only active, undeleted listings, so every search index is partial on exactly that
predicate: the planner drops the status and deleted_at conditions (they are implied), counts
become bitmap-only (no heap visit when the page is all-visible), and drafts, sold-out,
archived and deleted rows cost nothing. The id at the end of each B-tree is the sort
tie-breaker, so a sorted page reads straight out of the index. They replace the broader
indexes of 0001 that searched dead rows too.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status = 'active' AND deleted_at IS NULL"


def upgrade() -> None:
    op.drop_index('ix_materials_search_vector', table_name='materials', postgresql_using='gin')
    op.drop_index('ix_materials_material_type_price_created_at', table_name='materials')
    op.drop_index(
        'ix_materials_active_created_at',
        table_name='materials',
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(
        'ix_materials_active_price', table_name='materials', postgresql_where=sa.text("status = 'active'")
    )
    op.create_index(
        'ix_materials_live_search_vector',
        'materials',
        ['search_vector'],
        unique=False,
        postgresql_using='gin',
        postgresql_where=sa.text(LIVE),
    )
    op.create_index(
        'ix_materials_live_created_at_id', 'materials', ['created_at', 'id'], unique=False,
        postgresql_where=sa.text(LIVE),
    )
    op.create_index(
        'ix_materials_live_price_id', 'materials', ['price', 'id'], unique=False,
        postgresql_where=sa.text(LIVE),
    )
    op.create_index(
        'ix_materials_live_material_type_created_at_id', 'materials',
        ['material_type', 'created_at', 'id'], unique=False, postgresql_where=sa.text(LIVE),
    )
    op.create_index(
        'ix_materials_live_material_type_price_id', 'materials',
        ['material_type', 'price', 'id'], unique=False, postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    for name in (
        'ix_materials_live_material_type_price_id',
        'ix_materials_live_material_type_created_at_id',
        'ix_materials_live_price_id',
        'ix_materials_live_created_at_id',
    ):
        op.drop_index(name, table_name='materials', postgresql_where=sa.text(LIVE))
    op.drop_index(
        'ix_materials_live_search_vector', table_name='materials', postgresql_using='gin',
        postgresql_where=sa.text(LIVE),
    )
    op.create_index(
        'ix_materials_active_price', 'materials', ['price'], unique=False,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        'ix_materials_active_created_at', 'materials', ['created_at'], unique=False,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        'ix_materials_material_type_price_created_at', 'materials',
        ['material_type', 'price', 'created_at'], unique=False,
    )
    op.create_index(
        'ix_materials_search_vector', 'materials', ['search_vector'], unique=False,
        postgresql_using='gin',
    )
