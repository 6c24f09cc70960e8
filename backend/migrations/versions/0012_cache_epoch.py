"""cache epoch: a sequence whose value stamps every cached entry

A process that sees Redis fail (an invalidation may be lost) or restart (from older saved data)
moves the sequence on before it trusts the cache again; every entry stamped with an older value
is then ignored by every process (core.cache_epoch).

Revision ID: 0012_cache_epoch
Revises: 0011_money_invoices
Create Date: 2026-12-04 05:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_cache_epoch"
down_revision: str | None = "0011_money_invoices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE SEQUENCE IF NOT EXISTS cache_epoch")


def downgrade() -> None:
    op.execute("DROP SEQUENCE IF EXISTS cache_epoch")
