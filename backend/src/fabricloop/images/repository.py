from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.images.models import Image


async def add_image(session: AsyncSession, image: Image) -> Image:
    session.add(image)
    await session.flush()
    await session.refresh(image)
    return image


async def delete_unattached(
    session: AsyncSession, created_before: datetime, limit: int
) -> list[tuple[str, str]]:
    """Delete up to `limit` images that belong to no listing and were uploaded before
    `created_before`; their (storage_key, thumbnail_key). Rows a listing is attaching right now
    are locked by it and skipped."""
    candidates = (
        select(Image.id)
        .where(Image.material_id.is_(None), Image.created_at < created_before)
        .order_by(Image.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(
        delete(Image)
        .where(Image.id.in_(candidates.scalar_subquery()), Image.material_id.is_(None))
        .returning(Image.storage_key, Image.thumbnail_key)
    )
    return [(row.storage_key, row.thumbnail_key) for row in result]
