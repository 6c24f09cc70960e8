"""material_search: a change of stock alone updates the quantity alone

Every order takes stock from its listing, and the trigger of 0006 (as 0028 left it) answered
each change of `quantity` as it answers a new listing: it rebuilt the search document from the
listing's text and categories and upserted the whole row. A listing still on sale whose only
change is its quantity (an order, a cancelled order's release, a restock) now gets one
`UPDATE material_search SET quantity`: no document built, no speculative insert, and no index
entry, since no index of the table holds the quantity (a HOT update where the page has room).
pgbench replaying an order across 1,000 listings, 64 clients: 1,290-1,740 orders/s before,
1,910-1,980 after, on the same two cores (docs/performance.md).

Anything else (a listing going on or off sale, a new type, new words or terms) takes the path
of 0028 unchanged, as does a live listing whose search row is missing.

Revision ID: 0030_search_stock_update
Revises: 0029_image_display
Create Date: 2026-12-05 04:10:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0030_search_stock_update"
down_revision: str | None = "0029_image_display"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns whose change needs the whole row rebuilt (every one the row is made from, but
# the quantity).
REBUILT_FROM = (
    "material_type",
    "seller_id",
    "price",
    "created_at",
    "search_vector",
    "source_type",
    "currency",
    "origin_country",
    "certifications",
    "status",
    "deleted_at",
)


def _previous() -> ModuleType:
    """0028, whose trigger function this one extends and the downgrade puts back."""
    path = Path(__file__).with_name("0028_search_facet_columns.py")
    spec = importlib.util.spec_from_file_location("migration_0028", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sync_function() -> str:
    """0028's function with the quantity's own path first."""
    full = _previous()._sync_function(facet_columns=True)
    new_values = ", ".join(f"NEW.{column}" for column in REBUILT_FROM)
    old_values = ", ".join(f"OLD.{column}" for column in REBUILT_FROM)
    quantity_only = f"""BEGIN
    IF TG_OP = 'UPDATE' AND NEW.quantity IS DISTINCT FROM OLD.quantity
       AND NEW.status = 'active' AND NEW.deleted_at IS NULL
       AND ({new_values}) IS NOT DISTINCT FROM ({old_values}) THEN
        UPDATE material_search SET quantity = NEW.quantity
        WHERE material_id = NEW.id AND material_type = NEW.material_type;
        IF FOUND THEN
            RETURN NULL;
        END IF;
    END IF;"""
    head, marker, tail = full.partition("BEGIN")
    assert marker, "0028's trigger function has no BEGIN"
    return head + quantity_only + tail


def upgrade() -> None:
    op.execute(_sync_function())


def downgrade() -> None:
    op.execute(_previous()._sync_function(facet_columns=True))
