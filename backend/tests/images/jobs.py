"""The thumbnail job run directly, as a worker runs it, on the test's transaction."""

import uuid
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.images import service
from fabricloop.images.models import Image
from fabricloop.materials import caching


async def run_thumbnail_job(app: FastAPI) -> int:
    return await service.make_thumbnails(
        app.state.sessionmaker, app.state.storage, caching.invalidator(app.state.cache)
    )


async def stored_row(session: AsyncSession, image_id: uuid.UUID | str) -> Image:
    row = await session.get(Image, uuid.UUID(str(image_id)), populate_existing=True)
    assert row is not None
    return row


async def thumbnail_after_job(app: FastAPI, session: AsyncSession, upload: dict[str, Any]) -> str:
    """The thumbnail URL of an uploaded image once the job has run."""
    await run_thumbnail_job(app)
    row = await stored_row(session, upload["image_id"])
    assert row.thumbnail_status == "ready"
    url: str = app.state.storage.url(row.thumbnail_key)
    return url
