"""A listing's stock, for the transactions domain: what a purchase reads of a listing, and the
reservation and release of its quantity (the statements are in repository/stock.py)."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.gate import KeyedGate
from fabricloop.materials.errors import ListingBusy
from fabricloop.materials.repository import stock as repository
from fabricloop.materials.repository.stock import PURCHASABLE, Listing, Reservation

__all__ = [
    "BUYERS_AT_THE_ROW",
    "PURCHASABLE",
    "Listing",
    "Reservation",
    "get_listing",
    "in_turn",
    "lot_quantity",
    "release",
    "remembered_listing",
    "reservation",
]


# The listings this process read last (the oldest read forgotten first past the bound), for an
# order placed on the terms it read without reading them again: the statement that takes the
# stock takes it only on those terms (`reservation`), so a listing changed since costs its
# buyer one more read, never another price or an oversell. 5,000 listings: about 9 MB (with
# long titles and two price tiers each; tracemalloc), against the 250 MB a process may take.
LISTINGS_REMEMBERED = 5_000
_remembered: dict[uuid.UUID, Listing] = {}


async def get_listing(session: AsyncSession, material_id: uuid.UUID) -> Listing | None:
    """The listing as it is now (remembered, see `remembered_listing`)."""
    listing = await repository.get_listing(session, material_id)
    _remembered.pop(material_id, None)
    if listing is not None:
        if len(_remembered) >= LISTINGS_REMEMBERED:
            del _remembered[next(iter(_remembered))]
        _remembered[material_id] = listing
    return listing


def remembered_listing(material_id: uuid.UUID) -> Listing | None:
    """The listing as this process last read it, if it did lately: maybe no longer so. Only
    for a `reservation` (which takes nothing on terms that changed) and checks made again on
    the listing as it is now when it refuses."""
    return _remembered.get(material_id)


async def lot_quantity(
    session: AsyncSession, material_id: uuid.UUID, lot_code: str
) -> Decimal | None:
    """What is left of the listing's lot, or None when it has no lot of that code."""
    return await repository.lot_quantity(session, material_id, lot_code)


def reservation(listing: Listing, quantity: Decimal, lot_code: str | None = None) -> Reservation:
    """Take `quantity` (of the lot `lot_code`, if given) on the terms the buyer read, in the
    statement that records the order (`repository.stock.reservation`)."""
    return repository.reservation(listing, quantity, lot_code)


async def release(
    session: AsyncSession, material_id: uuid.UUID, quantity: Decimal, lot_code: str | None = None
) -> bool:
    """Give `quantity` back (to its lot, if given), once: the caller's status change
    guarantees it. Returns whether the listing's status changed."""
    return await repository.release(session, material_id, quantity, lot_code)


# Two of this process's buyers of one listing at the database at once: one holds the row, the
# next waits for it there and takes it the moment the first commits, instead of after this
# process's event loop comes round to it. With one, the hot listing's row stood idle between
# turns: 345-371 -> 414-424 orders/s and p99 402-424 -> 327-341 ms in two alternated runs of
# `python -m bench purchases` (three at a time: 402 orders/s, no better than two).
BUYERS_AT_THE_ROW = 2
_TURNS = KeyedGate(holders=BUYERS_AT_THE_ROW)


@asynccontextmanager
async def in_turn(material_id: uuid.UUID, wait_seconds: float) -> AsyncIterator[None]:
    """Around the statement that takes a listing's stock: this process's buyers of one listing
    take turns, in the order they came, BUYERS_AT_THE_ROW at a time: the others wait here,
    not in the row's lock queue. ListingBusy (503, nothing taken) when the turn takes longer
    than `wait_seconds`, or the statement gives up waiting for the row (the database's lock or
    statement timeout)."""
    try:
        async with _TURNS.hold(material_id, wait_seconds):
            with repository.bounded_waits():
                yield
    except TimeoutError as error:
        raise ListingBusy(headers={"Retry-After": "1"}) from error
