"""Every SQL statement of shipping profiles."""

import uuid
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.shipping.models import ShippingProfile, ShippingZone

# Built once: every order reads its seller's profile (most sellers have none, and then this
# statement is the whole cost).
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
