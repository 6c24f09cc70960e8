"""The few columns that a page's preview and the sitemap need, read straight from the listing
tables (the statements of this domain; it writes nothing)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.images.models import Image
from fabricloop.materials.models import Material


@dataclass(frozen=True)
class ListingSummary:
    material_id: uuid.UUID
    title: str
    description: str
    status: str
    seller: str
    thumbnail_key: str | None
    cover_key: str | None
    deleted: bool


async def listing_summary(session: AsyncSession, material_id: uuid.UUID) -> ListingSummary | None:
    first = (
        select(Image.thumbnail_key, Image.storage_key)
        .where(Image.material_id == material_id)
        .order_by(Image.position, Image.created_at, Image.id)  # the gallery's order
        .limit(1)
        .subquery()
    )
    result = await session.execute(
        select(
            Material.id,
            Material.title,
            Material.description,
            Material.status,
            User.company_name,
            first.c.thumbnail_key,
            Material.deleted_at,
            first.c.storage_key,
        )
        .join(User, User.id == Material.seller_id)
        .outerjoin(first, true())
        .where(Material.id == material_id)
    )
    row = result.first()
    if row is None:
        return None
    return ListingSummary(
        material_id=row[0],
        title=row[1],
        description=row[2],
        status=row[3],
        seller=row[4],
        thumbnail_key=row[5],
        cover_key=row[7],
        deleted=row[6] is not None,
    )


async def active_listings(session: AsyncSession, limit: int) -> Sequence[Row[uuid.UUID, datetime]]:
    """Ids and last changes of the listings on sale, the most recently changed first."""
    result = await session.execute(
        select(Material.id, Material.updated_at)
        .where(Material.status == "active", Material.deleted_at.is_(None))
        .order_by(Material.updated_at.desc())
        .limit(limit)
    )
    return result.all()
