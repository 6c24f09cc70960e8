"""Work claimed from a table by several workers at once, each row leased for a while.

A worker takes up to `limit` due rows, oldest first, skipping rows another transaction has
locked, and in the same statement counts the attempt and moves the row's due time a lease
ahead: a worker that dies mid-way leaves the row to be taken again when the lease ends (never
lost), and no other worker takes it meanwhile.
"""

from typing import Any

from sqlalchemy import ColumnElement, Update, select, update
from sqlalchemy.orm import InstrumentedAttribute


def claim_due_rows(
    model: Any,
    *,
    due: ColumnElement[bool],
    due_at: InstrumentedAttribute[Any],
    attempts: InstrumentedAttribute[int],
    limit: int,
    leased_until: Any,
) -> Update:
    """The UPDATE that claims them; add `.returning(...)` for what the caller needs."""
    picked = (
        select(model.id)
        .where(due)
        .order_by(due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return (
        update(model)
        .where(model.id.in_(picked))
        .values({attempts: attempts + 1, due_at: leased_until})
    )
