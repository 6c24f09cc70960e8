import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.images.models import Image


async def add_image(session: AsyncSession, image: Image) -> Image:
    session.add(image)
    await session.flush()
    await session.refresh(image)
    return image


async def list_images(session: AsyncSession, image_ids: Sequence[uuid.UUID]) -> list[Image]:
    result = await session.execute(select(Image).where(Image.id.in_(image_ids)))
    return list(result.scalars())
