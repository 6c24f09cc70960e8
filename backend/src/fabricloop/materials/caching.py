"""Filling the listing caches without racing invalidations.

A reader that misses reads the change counters (listing_cache.Generations) first, then the
database, and stores its result only if no change happened in between (every change moves a
counter after its commit). Without the check, a read that began before an update could store
the old quantity after the update's invalidation and serve it for minutes.

A search entry (`search:{hash of the normalised query}`) carries the generations it was
computed in: the listings generation, and for a search that filters on quantity the stock
generation too. It is current only while they are, so one change retires every cached search
it can affect at once; a reader gets the generations and the entry in one round trip. A
change of quantity alone (a purchase or cancellation that leaves the status as it was) cannot
change which listings a search without a quantity filter returns, or their order, only the
quantity shown: it moves the stock
generation and deletes the entries whose page shows the listing (`search:shows:{id}`, filled
when an entry is stored), and leaves every other search cached."""

import uuid
from collections.abc import Callable, Iterable

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.cache import Cache
from fabricloop.core.db import pending_after_commit, reads_replica
from fabricloop.core.replica import wal_position
from fabricloop.materials import listing_cache
from fabricloop.materials.listing_cache import Generations

log = structlog.get_logger(__name__)


class _ListingChanges:
    """The listings a transaction changed, invalidated together once it has committed: one log
    position query and one Redis script per kind of change, however many listings."""

    def __init__(self, session: AsyncSession, cache: Cache) -> None:
        self.session = session
        self.cache = cache
        self.listings: set[uuid.UUID] = set()
        self.stock: set[uuid.UUID] = set()

    async def __call__(self) -> None:
        position = await self._log_position()
        if self.listings:
            await listing_cache.listings_changed(self.cache, self.listings, position)
        # A listing whose status changed too is already covered by the bigger invalidation.
        if stock_only := self.stock - self.listings:
            await listing_cache.listings_changed(self.cache, stock_only, position, stock_only=True)

    async def _log_position(self) -> int | None:
        """Where the primary's log ended after the commit, if a replica is read; else None."""
        if not reads_replica(self.session):
            return None
        try:
            return await wal_position(self.session)
        except (SQLAlchemyError, OSError) as error:
            # The change is committed and the caches must go regardless.
            log.warning("log position unknown after a listing change", error=str(error))
            return None


def invalidate_after_commit(
    session: AsyncSession,
    cache: Cache,
    material_ids: Iterable[uuid.UUID],
    *,
    stock_only: bool = False,
) -> None:
    """Once the transaction has committed: drop the listings' cached details and the cached
    searches the change can affect (`stock_only`: the listings' quantities changed and
    nothing else, their status included), and hold replicas to the primary's log position
    after the change."""
    changes = pending_after_commit(
        session, _ListingChanges, lambda: _ListingChanges(session, cache)
    )
    (changes.stock if stock_only else changes.listings).update(material_ids)


ListingsChanged = Callable[[AsyncSession, Iterable[uuid.UUID]], None]


def invalidator(cache: Cache) -> ListingsChanged:
    """invalidate_after_commit on `cache`: for a package that changes what listings show but
    cannot import this one (images, whose models this package uses)."""

    def invalidate(session: AsyncSession, material_ids: Iterable[uuid.UUID]) -> None:
        invalidate_after_commit(session, cache, material_ids)

    return invalidate


def stamped(generations: Generations, body: bytes, *, filters_on_stock: bool) -> bytes:
    """A search entry: the generations it was computed in (the stock one only when the search
    filters on quantity), a newline, the response body."""
    if filters_on_stock:
        return b"%d:%d\n%b" % (generations.listings, generations.stock, body)
    return b"%d\n%b" % (generations.listings, body)


def current_body(entry: bytes | None, generations: Generations) -> bytes | None:
    """The body of a search entry that is still current; None for a missing or retired one."""
    if entry is None:
        return None
    stamp, _, body = entry.partition(b"\n")
    listings, _, stock = stamp.partition(b":")
    if listings != b"%d" % generations.listings:
        return None
    if stock and stock != b"%d" % generations.stock:
        return None
    return body
