"""Every SQL statement of shipping profiles."""

import uuid
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import Direct
from fabricloop.shipping.models import ShippingProfile, ShippingZone

# The profile and zones as objects, for the seller's own page and its replacement (orders read
# the terms as rows: get_terms).
_PROFILE = (
    select(ShippingProfile)
    .where(ShippingProfile.seller_id == bindparam("seller_id"))
    .execution_options(populate_existing=True)
)
_ZONES = (
    select(ShippingZone)
    .where(ShippingZone.seller_id == bindparam("seller_id"))
    .order_by(ShippingZone.position)
    .execution_options(populate_existing=True)
)


# The terms an order is priced by, through asyncpg (core.db.Direct): every order reads them,
# and most sellers have no profile, so the first statement is usually the whole cost.
_TERMS = Direct(
    select(
        ShippingProfile.ships_from,
        ShippingProfile.handling_days,
        ShippingProfile.incoterm,
        ShippingProfile.pickup_available,
    ).where(ShippingProfile.seller_id == bindparam("seller_id"))
)
_ZONE_TERMS = Direct(
    select(
        ShippingZone.name,
        ShippingZone.countries,
        ShippingZone.base_price,
        ShippingZone.price_per_kg,
        ShippingZone.free_over,
        ShippingZone.transit_days_min,
        ShippingZone.transit_days_max,
    )
    .where(ShippingZone.seller_id == bindparam("seller_id"))
    .order_by(ShippingZone.position)
)


async def get_terms(session: AsyncSession, seller_id: uuid.UUID) -> tuple[Any, list[Any]] | None:
    """The seller's profile terms and its zones' in order (rows by column name), or None."""
    seller = {"seller_id": seller_id}
    terms = await _TERMS.first(session, seller)
    if terms is None:
        return None
    return terms, await _ZONE_TERMS.fetch(session, seller)


async def get_profile(
    session: AsyncSession, seller_id: uuid.UUID
) -> tuple[ShippingProfile, list[ShippingZone]] | None:
    seller = {"seller_id": seller_id}
    profile = (await session.scalars(_PROFILE, seller)).one_or_none()
    if profile is None:
        return None
    zones = await session.scalars(_ZONES, seller)
    return profile, list(zones)


async def replace_profile(
    session: AsyncSession,
    seller_id: uuid.UUID,
    values: dict[str, Any],
    zones: list[dict[str, Any]],
) -> None:
    """Write the whole profile. The upsert locks the profile's row first, so two concurrent
    replacements of one profile run one after the other and never mix their zones."""
    upsert = pg_insert(ShippingProfile).values(seller_id=seller_id, **values)
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=[ShippingProfile.seller_id],
            set_={**values, "updated_at": func.now()},
        )
    )
    await session.execute(delete(ShippingZone).where(ShippingZone.seller_id == seller_id))
    if zones:
        await session.execute(
            insert(ShippingZone),
            [{"seller_id": seller_id, "position": i, **z} for i, z in enumerate(zones)],
        )
