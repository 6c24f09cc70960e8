"""The operator's hold on listings: a hidden listing, and every listing of a suspended seller,
has the status `hidden` (out of search, 404 to everyone but its seller, the parties of its
orders and admins; not purchasable) and returns to the status it had when the hold ends.
`hidden_reason` tells the seller why."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.cache import Cache
from fabricloop.materials import caching, repository
from fabricloop.materials.errors import AlreadyHidden, MaterialNotFound, NotHidden
from fabricloop.materials.models import Material
from fabricloop.materials.repository import moderation

HIDDEN = moderation.HIDDEN


async def _live(session: AsyncSession, material_id: uuid.UUID) -> Material:
    material = await repository.lock_material(session, material_id)
    if material is None or material.deleted_at is not None:
        raise MaterialNotFound()
    return material


async def listing_of(session: AsyncSession, material_id: uuid.UUID) -> Material:
    """A listing the operator can act on (not deleted), locked."""
    return await _live(session, material_id)


async def hide(
    session: AsyncSession, cache: Cache, material_id: uuid.UUID, reason: str
) -> Material:
    material = await _live(session, material_id)
    if material.hidden_at is not None:
        raise AlreadyHidden()
    material.hidden_at = datetime.now(UTC)
    material.hidden_reason = reason
    if material.status != HIDDEN:
        material.held_status = material.status
        material.status = HIDDEN
    material = await repository.flush_material(session, material)
    caching.invalidate_after_commit(session, cache, [material.id])
    return material


async def unhide(
    session: AsyncSession, cache: Cache, material_id: uuid.UUID, *, seller_suspended: bool
) -> Material:
    """Lift the operator's hold; the listing stays withheld while its seller is suspended."""
    material = await _live(session, material_id)
    if material.hidden_at is None:
        raise NotHidden()
    material.hidden_at = None
    material.hidden_reason = None
    await repository.flush_material(session, material)
    if not seller_suspended:
        await moderation.restore(session, material.id)
    material = await repository.flush_material(session, material)
    caching.invalidate_after_commit(session, cache, [material.id])
    return material


async def withhold_seller(session: AsyncSession, cache: Cache, seller_id: uuid.UUID) -> int:
    """Suspension: every listing of the seller withheld. Returns how many changed."""
    changed = await moderation.withhold_seller(session, seller_id)
    caching.invalidate_after_commit(session, cache, changed)
    return len(changed)


async def release_seller(session: AsyncSession, cache: Cache, seller_id: uuid.UUID) -> int:
    """Unsuspension: the listings return, except those the operator hid on their own."""
    changed = await moderation.release_seller(session, seller_id)
    caching.invalidate_after_commit(session, cache, changed)
    return len(changed)


async def seller_changed(session: AsyncSession, cache: Cache, seller_id: uuid.UUID) -> None:
    """Something every listing of the seller shows changed (the `verified` badge): their
    cached details and searches go after the commit."""
    ids = await moderation.seller_listing_ids(session, seller_id)
    caching.invalidate_after_commit(session, cache, ids)
