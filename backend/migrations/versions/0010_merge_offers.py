"""merge the offers table (0009_trade_offers) with the GTIN and payouts merge

They touch different tables, so either order is the same schema; this revision only joins
the two heads so that `upgrade head` has one head again.

Revision ID: 0010_merge_offers
Revises: 0009_merge_gtin_money, 0009_trade_offers
Create Date: 2026-12-04 06:25:00
"""

from collections.abc import Sequence

revision: str = '0010_merge_offers'
down_revision: str | tuple[str, ...] | None = ('0009_merge_gtin_money', '0009_trade_offers')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
