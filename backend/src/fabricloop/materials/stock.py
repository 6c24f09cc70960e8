"""Stock of a listing: reserved atomically when a transaction is created, released once when
it is cancelled. The transactions domain calls these; every statement on stock lives here."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.materials.models import Material

PURCHASABLE = "active"
# query_canceled (the statement timeout) and lock_not_available (a lock timeout).
WAIT_GAVE_UP = frozenset({"57014", "55P03"})


class ListingBusy(Exception):
    """The reservation waited for the listing's row longer than the database allows: under a
    pile-up of buyers on one listing; retrying shortly is safe (nothing was taken)."""


@dataclass(frozen=True)
class Listing:
    """What a purchase needs to know of a listing, read in one statement."""

    id: uuid.UUID
    seller_id: uuid.UUID
    title: str
    status: str
    deleted: bool
    quantity: Decimal
    unit: str
    kg_per_unit: Decimal | None
    price: Decimal
    currency: str
    min_order_quantity: Decimal | None


_COLUMNS = (
    Material.id,
    Material.seller_id,
    Material.title,
    Material.status,
    Material.deleted_at.is_not(None),
    Material.quantity,
    Material.unit,
    Material.kg_per_unit,
    Material.price,
    Material.currency,
    Material.min_order_quantity,
)


async def get_listing(session: AsyncSession, material_id: uuid.UUID) -> Listing | None:
    row = (await session.execute(select(*_COLUMNS).where(Material.id == material_id))).first()
    return None if row is None else Listing(*tuple(row))


async def reserve(session: AsyncSession, listing: Listing, quantity: Decimal) -> str | None:
    """Take `quantity` from the listing in one conditional UPDATE, so concurrent buyers can
    never together take more than listed, and only on the terms the buyer's order was made
    on (price, currency, unit, mass per unit as read). Returns the listing's status after it
    (`sold_out` when it took the last unit); None when the listing can't supply it on those
    terms. The row stays locked until the caller's transaction ends."""
    remaining = Material.quantity - quantity
    statement = (
        update(Material)
        .where(
            Material.id == listing.id,
            Material.status == PURCHASABLE,
            Material.deleted_at.is_(None),
            Material.quantity >= quantity,
            Material.price == listing.price,
            Material.currency == listing.currency,
            Material.unit == listing.unit,
            Material.kg_per_unit.is_not_distinct_from(listing.kg_per_unit),
        )
        .values(
            quantity=remaining,
            status=case((remaining == 0, "sold_out"), else_=Material.status),
        )
        .returning(Material.status)
        .execution_options(synchronize_session=False)
    )
    try:
        status: str | None = (await session.execute(statement)).scalar_one_or_none()
        return status
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) in WAIT_GAVE_UP:
            raise ListingBusy() from error
        raise


async def release(session: AsyncSession, material_id: uuid.UUID, quantity: Decimal) -> bool:
    """Give `quantity` back. A sold-out listing becomes active again; an archived, draft or
    deleted one keeps its status (the stock is counted, the listing is not resurrected).
    Returns whether the status changed. Callers guarantee once-only by changing the
    transaction's status under a row lock."""
    before = (
        select(Material.id, Material.status)
        .where(Material.id == material_id)
        .with_for_update()
        .cte("before")
    )
    statement = (
        update(Material)
        .where(Material.id == before.c.id)
        .values(
            quantity=Material.quantity + quantity,
            status=case(
                (
                    (Material.status == "sold_out") & Material.deleted_at.is_(None),
                    PURCHASABLE,
                ),
                else_=Material.status,
            ),
        )
        .returning(before.c.status != Material.status)
        .execution_options(synchronize_session=False)
    )
    changed: bool = (await session.execute(statement)).scalar_one()
    return changed
