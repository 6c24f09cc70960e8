"""Image uploads: process off the event loop, store under server-chosen keys, record the row."""

import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import IO

from anyio import CapacityLimiter, to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.config import Settings
from fabricloop.core.db import after_commit
from fabricloop.core.limiter import Limiter, Rate
from fabricloop.core.storage import Storage
from fabricloop.images import processing, repository
from fabricloop.images.errors import ImagesBusy, TooManyUploads
from fabricloop.images.models import Image

BUSY_RETRY_SECONDS = 5


class ProcessingPool:
    """Images are decoded by at most `slots` threads of a process at once (a 40-megapixel
    image takes a few hundred MB while it is decoded), with at most `queue` more waiting for
    one; beyond that an upload is refused at once (429) instead of piling up memory and
    starving the other requests' threads."""

    def __init__(self, slots: int, queue: int) -> None:
        self.slots = CapacityLimiter(slots)
        self.queue = queue
        self.waiting = 0

    async def process(self, source: IO[bytes]) -> processing.Processed:
        if self.slots.available_tokens == 0 and self.waiting >= self.queue:
            raise ImagesBusy(headers={"Retry-After": str(BUSY_RETRY_SECONDS)})
        self.waiting += 1
        try:
            await self.slots.acquire()
        finally:
            self.waiting -= 1
        try:
            return await to_thread.run_sync(processing.process, source)
        finally:
            self.slots.release()


# An upload not attached to a listing within a day (or released by an edit of one since) is
# deleted with its files by a periodic job: an abandoned form must not keep files forever.
UNATTACHED_GRACE = timedelta(hours=24)
PURGE_BATCH = 200


def _new_keys(extension: str) -> tuple[str, str]:
    # Random, never derived from the client's filename; the two-character directory keeps
    # any one directory small.
    name = secrets.token_hex(16)
    return f"images/{name[:2]}/{name}.{extension}", f"images/{name[:2]}/{name}-thumb.webp"


async def allow_upload(limiter: Limiter, settings: Settings, owner_id: uuid.UUID) -> None:
    """Uploads per account, refilled over a minute: each one costs a decode."""
    decision = await limiter.take(f"upload:{owner_id}", Rate(settings.uploads_per_minute, 60))
    if not decision.allowed:
        raise TooManyUploads(headers={"Retry-After": decision.retry_after})


async def upload(
    session: AsyncSession,
    storage: Storage,
    pool: ProcessingPool,
    owner_id: uuid.UUID,
    source: IO[bytes],
) -> Image:
    """Check and re-encode an uploaded file, store it and its thumbnail, and record it."""
    processed = await pool.process(source)
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
