"""Every SQL statement of shipping profiles."""

import uuid
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.shipping.models import ShippingProfile, ShippingZone


async def get_profile(
    session: AsyncSession, seller_id: uuid.UUID
) -> tuple[ShippingProfile, list[ShippingZone]] | None:
    profile = await session.get(ShippingProfile, seller_id, populate_existing=True)
    if profile is None:
        return None
    zones = await session.scalars(
        select(ShippingZone)
        .where(ShippingZone.seller_id == seller_id)
        .order_by(ShippingZone.position)
        .execution_options(populate_existing=True)
    )
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
