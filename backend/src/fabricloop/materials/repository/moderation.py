"""The statements of moderation: withholding listings (status `hidden`) and returning them
to the status they had (`held_status`)."""

import uuid

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.materials.models import Material

HIDDEN = "hidden"
# The status a withheld listing returns to: a public one follows its stock (sales and
# cancellations went on while it was hidden), a draft or archived one stays so.
_RESTORED = case(
    (Material.held_status.in_(("active", "sold_out")) & (Material.quantity > 0), "active"),
    (Material.held_status.in_(("active", "sold_out")), "sold_out"),
    else_=Material.held_status,
)


async def seller_listing_ids(session: AsyncSession, seller_id: uuid.UUID) -> list[uuid.UUID]:
    result = await session.execute(
        select(Material.id).where(Material.seller_id == seller_id, Material.deleted_at.is_(None))
    )
    return list(result.scalars())


async def withhold_seller(session: AsyncSession, seller_id: uuid.UUID) -> list[uuid.UUID]:
    """Every listing of the seller (not deleted) to `hidden`, keeping the status it had."""
    result = await session.execute(
        update(Material)
        .where(
            Material.seller_id == seller_id,
            Material.deleted_at.is_(None),
            Material.status != HIDDEN,
        )
        .values(held_status=Material.status, status=HIDDEN)
        .returning(Material.id)
        .execution_options(synchronize_session=False)
    )
    return list(result.scalars())


async def release_seller(session: AsyncSession, seller_id: uuid.UUID) -> list[uuid.UUID]:
    """The seller's listings withheld for the suspension alone (not hidden by the operator)
    back to their status."""
    result = await session.execute(
        update(Material)
        .where(
            Material.seller_id == seller_id,
            Material.deleted_at.is_(None),
            Material.status == HIDDEN,
            Material.hidden_at.is_(None),
        )
        .values(status=_RESTORED, held_status=None)
        .returning(Material.id)
        .execution_options(synchronize_session=False)
    )
    return list(result.scalars())


async def restore(session: AsyncSession, material_id: uuid.UUID) -> None:
    await session.execute(
        update(Material)
        .where(Material.id == material_id, Material.status == HIDDEN)
        .values(status=_RESTORED, held_status=None)
        .execution_options(synchronize_session=False)
    )
