import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.leases import claim_due_rows
from fabricloop.images.models import Image


async def add_image(session: AsyncSession, image: Image) -> Image:
    session.add(image)
    await session.flush()
    await session.refresh(image)
    return image


async def delete_unattached(
    session: AsyncSession, created_before: datetime, limit: int
) -> list[tuple[str, str, str | None]]:
    """Delete up to `limit` images that belong to no listing and were uploaded before
    `created_before`; their (storage_key, thumbnail_key, display_key). Rows a listing is
    attaching right now are locked by it and skipped."""
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
        .returning(Image.storage_key, Image.thumbnail_key, Image.display_key)
    )
    return [(row.storage_key, row.thumbnail_key, row.display_key) for row in result]


async def claim_thumbnails(
    session: AsyncSession, now: datetime, limit: int, lease: timedelta
) -> list[Image]:
    """Images whose thumbnail is due, each counted as one more attempt and put back `lease`
    later: a worker that dies mid-way leaves them to be made again then, and no other worker
    takes them meanwhile. Rows locked elsewhere (a listing attaching them) are skipped."""
    claimed = (
        claim_due_rows(
            Image,
            due=and_(Image.thumbnail_status == "pending", Image.thumbnail_due_at <= now),
            due_at=Image.thumbnail_due_at,
            attempts=Image.thumbnail_attempts,
            limit=limit,
            leased_until=now + lease,
        )
        .returning(Image)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(claimed)).all())


async def thumbnail_made(
    session: AsyncSession, image_id: uuid.UUID, thumbnail_key: str, display_key: str
) -> tuple[str, uuid.UUID | None]:
    """Record an image's thumbnail and display image: ("recorded", its listing) if it was
    pending, ("already", None) if it no longer was, ("gone", None) if the image was deleted
    meanwhile."""
    result = await session.execute(
        update(Image)
        .where(Image.id == image_id, Image.thumbnail_status == "pending")
        .values(
            thumbnail_status="ready",
            thumbnail_key=thumbnail_key,
            display_key=display_key,
            thumbnail_due_at=None,
        )
        .returning(Image.material_id)
    )
    row = result.one_or_none()
    if row is not None:
        return "recorded", row.material_id
    found = await session.scalar(select(Image.id).where(Image.id == image_id))
    return ("already" if found is not None else "gone"), None


async def thumbnail_not_made(
    session: AsyncSession, image_id: uuid.UUID, retry_at: datetime | None
) -> None:
    """A failed attempt: tried again at `retry_at`, or given up (the original stays the
    thumbnail and display image, unless an earlier run made them) when it is None."""
    values: dict[str, object] = (
        {"thumbnail_due_at": retry_at}
        if retry_at is not None
        else {"thumbnail_status": "failed", "thumbnail_due_at": None}
    )
    await session.execute(
        update(Image)
        .where(Image.id == image_id, Image.thumbnail_status == "pending")
        .values(**values)
    )
