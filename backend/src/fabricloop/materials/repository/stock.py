"""The statements on a listing's stock: reserved atomically when a transaction is created,
released once when it is cancelled (the transactions domain reaches them through
materials.stock)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import CTE, ColumnElement, bindparam, case, exists, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import Direct
from fabricloop.materials.errors import ListingBusy
from fabricloop.materials.models import Material, MaterialLot
from fabricloop.materials.terms import Tier, tiers_from_json, tiers_json

PURCHASABLE = "active"
# query_canceled (the statement timeout) and lock_not_available (a lock timeout).
WAIT_GAVE_UP = frozenset({"57014", "55P03"})


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
    order_increment: Decimal | None
    price_tiers: tuple[Tier, ...]
    sample_available: bool
    sample_price: Decimal | None
    sold_by_lot: bool


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
    Material.order_increment,
    Material.price_tiers,
    Material.sample_available,
    Material.sample_price,
    exists().where(MaterialLot.material_id == Material.id),
)


# Built once (as the reservations below): every purchase reads its listing with it.
_GET_LISTING = Direct(select(*_COLUMNS).where(Material.id == bindparam("material_id")))


async def get_listing(session: AsyncSession, material_id: uuid.UUID) -> Listing | None:
    # Read by every order (and offer, and delivery quote): columns, not objects, sent through
    # asyncpg itself (core.db.Direct: 60 us of CPU per read where SQLAlchemy's Core took 170).
    row = await _GET_LISTING.first(session, {"material_id": material_id})
    if row is None:
        return None
    values = list(row)
    values[12] = tiers_from_json(values[12])
    return Listing(*values)


async def lot_quantity(
    session: AsyncSession, material_id: uuid.UUID, lot_code: str
) -> Decimal | None:
    """What is left of the listing's lot, or None when it has no lot of that code."""
    quantity: Decimal | None = await session.scalar(
        select(MaterialLot.quantity).where(
            MaterialLot.material_id == material_id, MaterialLot.lot_code == lot_code
        )
    )
    return quantity


_TAKEN = bindparam("taken", type_=Material.quantity.type)
# The listing can supply the quantity on the terms the buyer read (`read_*`).
_ON_TERMS = (
    Material.id == bindparam("listing_id"),
    Material.status == PURCHASABLE,
    Material.deleted_at.is_(None),
    Material.quantity >= _TAKEN,
    Material.price == bindparam("read_price"),
    Material.currency == bindparam("read_currency"),
    Material.unit == bindparam("read_unit"),
    Material.kg_per_unit.is_not_distinct_from(bindparam("read_kg_per_unit")),
    Material.min_order_quantity.is_not_distinct_from(bindparam("read_min_order_quantity")),
    Material.order_increment.is_not_distinct_from(bindparam("read_order_increment")),
    Material.price_tiers == bindparam("read_price_tiers"),
)


def _take_from_listing(*conditions: ColumnElement[bool]) -> CTE:
    """The listing's UPDATE, as the CTE `listing_reserved` (its status after it)."""
    return (
        update(Material)
        .where(*conditions)
        .values(
            quantity=Material.quantity - _TAKEN,
            status=case((Material.quantity - _TAKEN == 0, "sold_out"), else_=Material.status),
        )
        .returning(Material.status)
        .execution_options(synchronize_session=False)
        .cte("listing_reserved")
    )


# Built once (the statement is the same for every purchase, only its values change: building
# it and its cache key per call cost more CPU than running it), as CTEs of the statement that
# also records the order (transactions' repository).
# Without a lot: one conditional UPDATE, of a listing that has no lot (sold by lot since it
# was read: nothing is taken from it without one).
_LISTING_RESERVED = _take_from_listing(
    *_ON_TERMS,
    ~exists(select(MaterialLot.id).where(MaterialLot.material_id == bindparam("listing_id"))),
)
# From a lot, all or nothing in one statement (which may run in autocommit: nothing can roll a
# half back). The listing's row is locked first (as every writer of a listing locks it, then
# its lot's), if it can supply on the terms read; then the lot gives the quantity if it has
# it; then, only if it did, the listing. A CTE runs when first read, so they run in this order.
_LISTING_LOCKED = (
    select(Material.id).where(*_ON_TERMS).with_for_update(key_share=True).cte("listing_locked")
)
_LOT_RESERVED = (
    update(MaterialLot)
    .where(
        MaterialLot.material_id == bindparam("listing_id"),
        MaterialLot.lot_code == bindparam("read_lot_code"),
        MaterialLot.quantity >= _TAKEN,
        exists(select(_LISTING_LOCKED.c.id)),
    )
    .values(quantity=MaterialLot.quantity - _TAKEN)
    .returning(MaterialLot.id)
    .execution_options(synchronize_session=False)
    .cte("lot_reserved")
)
_LOT_AND_LISTING_RESERVED = _take_from_listing(
    Material.id == bindparam("listing_id"), exists(select(_LOT_RESERVED.c.id))
)


@dataclass(frozen=True)
class Reservation:
    """`quantity` of a listing (of its lot `lot_code`, if given) to be taken in the statement
    that records the order, on the terms the buyer read: `cte` has one row, the listing's
    status after it (`sold_out` when it took the last unit), or none when the listing (or the
    lot) can't supply it on those terms, and then takes nothing. Its rows stay locked until
    the transaction ends. `cte` is the same object for every reservation of its kind, so the
    statement built around it can be built once."""

    cte: CTE
    params: dict[str, object]


def reservation(listing: Listing, quantity: Decimal, lot_code: str | None = None) -> Reservation:
    """Conditional UPDATEs of the listing's row (and, with a lot, of the lot's), so concurrent
    buyers can never together take more than listed, and only on the terms the order was
    made on (price, tiers, steps, currency, unit, mass per unit as read).

    Why it is a CTE of the order's INSERT rather than a statement after it: the order's
    foreign key takes a KEY SHARE lock on the listing's row. Taken before the reservation's
    UPDATE, every concurrent buyer of one listing adds itself to that row's lockers (a
    MultiXact PostgreSQL has to build and search on every later UPDATE), and the row stayed
    locked for one more round trip: one listing sold 200 orders a second where it now sells
    600 (pgbench, 64 clients; docs/performance.md)."""
    params: dict[str, object] = {
        "listing_id": listing.id,
        "taken": quantity,
        "read_price": listing.price,
        "read_currency": listing.currency,
        "read_unit": listing.unit,
        "read_kg_per_unit": listing.kg_per_unit,
        "read_min_order_quantity": listing.min_order_quantity,
        "read_order_increment": listing.order_increment,
        "read_price_tiers": tiers_json(listing.price_tiers),
    }
    if lot_code is None:
        return Reservation(_LISTING_RESERVED, params)
    return Reservation(_LOT_AND_LISTING_RESERVED, {**params, "read_lot_code": lot_code})


@contextmanager
def bounded_waits() -> Iterator[None]:
    """Around a statement that takes a listing's row: one that gave up waiting for it (the
    statement or lock timeout) raises ListingBusy, a 503 with Retry-After (nothing taken: the
    statement failed whole)."""
    try:
        yield
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) in WAIT_GAVE_UP:
            raise ListingBusy(headers={"Retry-After": "1"}) from error
        raise


async def release(
    session: AsyncSession, material_id: uuid.UUID, quantity: Decimal, lot_code: str | None = None
) -> bool:
    """Give `quantity` back. A sold-out listing becomes active again; an archived, draft or
    deleted one keeps its status (the stock is counted, the listing is not resurrected).
    Stock of a lot goes back to the lot, and to the listing only while the lot exists (the
    seller may have removed it since: the listing's quantity stays the sum of its lots).
    Returns whether the status changed. Callers guarantee once-only by changing the
    transaction's status under a row lock."""
    before = (
        select(Material.id, Material.status)
        .where(Material.id == material_id)
        .with_for_update()
        .cte("before")
    )
    returned = quantity
    if lot_code is not None and not await _return_to_lot(session, material_id, quantity, lot_code):
        returned = Decimal(0)
    statement = (
        update(Material)
        .where(Material.id == before.c.id)
        .values(
            quantity=Material.quantity + returned,
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


async def _return_to_lot(
    session: AsyncSession, material_id: uuid.UUID, quantity: Decimal, lot_code: str
) -> bool:
    # The listing's row first (as reserve takes them), then the lot's.
    await session.execute(select(Material.id).where(Material.id == material_id).with_for_update())
    result = await session.execute(
        update(MaterialLot)
        .where(MaterialLot.material_id == material_id, MaterialLot.lot_code == lot_code)
        .values(quantity=MaterialLot.quantity + quantity)
        .returning(MaterialLot.id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None
