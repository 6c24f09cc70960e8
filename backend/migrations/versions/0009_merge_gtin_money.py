"""merge the two revisions that followed 0007_trade_terms (listing GTIN, money payouts)

They touch different tables, so either order is the same schema; this revision only joins
the two heads so that `upgrade head` has one head again.

Revision ID: 0009_merge_gtin_money
Revises: 0008_listing_gtin, 0008_money_payouts
Create Date: 2026-12-04 06:17:00
"""

from collections.abc import Sequence

revision: str = '0009_merge_gtin_money'
down_revision: str | tuple[str, ...] | None = ('0008_listing_gtin', '0008_money_payouts')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
