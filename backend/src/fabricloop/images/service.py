"""Image uploads: process off the event loop, store under server-chosen keys, record the row."""

import asyncio
import os
import secrets
import uuid
import weakref
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import IO

from anyio import CapacityLimiter, to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import after_commit
from fabricloop.core.storage import Storage
from fabricloop.images import processing, repository
from fabricloop.images.models import Image

# A 40-megapixel image takes a few hundred MB while it is decoded: at most one per core at a
# time, so a burst of uploads queues instead of exhausting memory or starving other threads.
PROCESSING_SLOTS = max(1, os.cpu_count() or 1)
_limiters: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter]" = (
    weakref.WeakKeyDictionary()
)


# An upload not attached to a listing within a day (or released by an edit of one since) is
# deleted with its files by a periodic job: an abandoned form must not keep files forever.
UNATTACHED_GRACE = timedelta(hours=24)
PURGE_BATCH = 200


def _limiter() -> CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(PROCESSING_SLOTS)
    return limiter


def _new_keys(extension: str) -> tuple[str, str]:
    # Random, never derived from the client's filename; the two-character directory keeps
    # any one directory small.
    name = secrets.token_hex(16)
    return f"images/{name[:2]}/{name}.{extension}", f"images/{name[:2]}/{name}-thumb.webp"


async def upload(
    session: AsyncSession, storage: Storage, owner_id: uuid.UUID, source: IO[bytes]
) -> Image:
    """Check and re-encode an uploaded file, store it and its thumbnail, and record it."""
    processed = await to_thread.run_sync(processing.process, source, limiter=_limiter())
    key, thumbnail_key = _new_keys(processed.extension)
    try:
        await storage.save(key, processed.data, processed.content_type)
        await storage.save(thumbnail_key, processed.thumbnail, "image/webp")
        return await repository.add_image(
            session,
            Image(
                owner_id=owner_id,
                storage_key=key,
                thumbnail_key=thumbnail_key,
                content_type=processed.content_type,
                width=processed.width,
                height=processed.height,
                size_bytes=len(processed.data),
            ),
        )
    except BaseException:
        await storage.delete(key)
        await storage.delete(thumbnail_key)
        raise


def url(storage: Storage, image: Image) -> str:
    return storage.url(image.storage_key)


def thumbnail_url(storage: Storage, image: Image) -> str:
    return storage.url(image.thumbnail_key)


def unattached_purge(storage: Storage) -> Callable[[AsyncSession], Awaitable[int]]:
    """The periodic job (app.py) deleting images no listing uses: the rows in the job's
    transaction, the files once it has committed."""

    async def purge(session: AsyncSession) -> int:
        cutoff = datetime.now(UTC) - UNATTACHED_GRACE
        keys = await repository.delete_unattached(session, cutoff, PURGE_BATCH)

        async def delete_files() -> None:
            for storage_key, thumbnail_key in keys:
                await storage.delete(storage_key)
                await storage.delete(thumbnail_key)

        after_commit(session, delete_files)
        return len(keys)

    return purge
