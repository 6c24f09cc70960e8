"""Image uploads: process off the event loop, store under server-chosen keys, record the row;
the thumbnail and the display image are made afterwards by a job (make_thumbnails), the
original serving as both until then."""

import secrets
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import IO

import structlog
from anyio import CapacityLimiter, to_thread
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.db import after_commit, run_after_commit
from fabricloop.core.limiter import Limiter, Rate
from fabricloop.core.queue import enqueue_after_commit
from fabricloop.core.storage import Storage
from fabricloop.images import processing, repository
from fabricloop.images.errors import ImagesBusy, InvalidImage, TooManyUploads
from fabricloop.images.models import Image

log = structlog.get_logger(__name__)

# Retires the cached pages of these listings once the session has committed (given by the
# composition: materials.caching.invalidator; this package cannot import materials).
ListingsChanged = Callable[[AsyncSession, Iterable[uuid.UUID]], None]

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


def _new_key(extension: str) -> str:
    # Random, never derived from the client's filename; the two-character directory keeps
    # any one directory small.
    name = secrets.token_hex(16)
    return f"images/{name[:2]}/{name}.{extension}"


def thumbnail_key_of(storage_key: str) -> str:
    """Where the thumbnail of the image stored at `storage_key` goes: one key per image, so a
    job run again writes the same file."""
    return f"{storage_key.rsplit('.', 1)[0]}-thumb.webp"


def display_key_of(storage_key: str) -> str:
    """Where the display image of the image stored at `storage_key` goes (when it is larger
    than the display size): one key per image, like the thumbnail's."""
    return f"{storage_key.rsplit('.', 1)[0]}-display.webp"


def variant_keys(storage_key: str) -> set[str]:
    """Every file the job may write for the image stored at `storage_key`."""
    return {thumbnail_key_of(storage_key), display_key_of(storage_key)}


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
    """Check and re-encode an uploaded file, store it, and record it with its thumbnail to
    make: the row (pending) is the job's durable record, the enqueue after the commit only
    says to make it now; the sweep of the same job finds one whose enqueue was lost."""
    processed = await pool.process(source)
    key = _new_key(processed.extension)
    try:
        await storage.save(key, processed.data, processed.content_type)
        image = await repository.add_image(
            session,
            Image(
                owner_id=owner_id,
                storage_key=key,
                thumbnail_key=key,
                thumbnail_status="pending",
                thumbnail_due_at=datetime.now(UTC),
                content_type=processed.content_type,
                width=processed.width,
                height=processed.height,
                size_bytes=len(processed.data),
            ),
        )
    except BaseException:
        await storage.delete(key)
        raise
    enqueue_after_commit(session, "make_thumbnails")
    return image


# Thumbnails decoded at once by a worker process (its other jobs keep their threads).
THUMBNAIL_SLOTS = CapacityLimiter(2)
THUMBNAIL_BATCH = 20
THUMBNAIL_LEASE = timedelta(minutes=2)
MAX_THUMBNAIL_ATTEMPTS = 6
FIRST_THUMBNAIL_RETRY = timedelta(seconds=30)


async def _make_one(storage: Storage, image: Image) -> tuple[str, str]:
    """Make and store the thumbnail and display image of a claimed image; their keys (the
    display image's is the original's when the original is small enough). InvalidImage when
    the stored file does not decode; storage errors propagate (tried again later)."""
    stored = await storage.read(image.storage_key)
    async with THUMBNAIL_SLOTS:
        made = await to_thread.run_sync(processing.variants, stored)
    key = thumbnail_key_of(image.storage_key)
    await storage.save(key, made.thumbnail, "image/webp")
    display_key = image.storage_key
    if made.display is not None:
        display_key = display_key_of(image.storage_key)
        await storage.save(display_key, made.display, "image/webp")
    return key, display_key


async def make_thumbnails(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    listings_changed: ListingsChanged,
    now: datetime | None = None,
) -> int:
    """The job: make the thumbnails and display images that are due, a batch at a time until
    none is left; for how many images. Idempotent: an image is claimed before its variants are
    made, made ones are never made again, and a run repeated after a crash writes the same
    files, same keys. Images stored before display images existed are pending again
    (migration 0029) and are made here, a batch at a time, like new ones."""
    made = 0
    while True:
        claimed, done = await _thumbnail_batch(sessionmaker, storage, listings_changed, now)
        made += done
        if claimed < THUMBNAIL_BATCH:
            return made


async def _thumbnail_batch(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    listings_changed: ListingsChanged,
    now: datetime | None,
) -> tuple[int, int]:
    now = now or datetime.now(UTC)
    async with sessionmaker() as session:
        claimed = await repository.claim_thumbnails(session, now, THUMBNAIL_BATCH, THUMBNAIL_LEASE)
        await session.commit()
    made = 0
    for image in claimed:
        try:
            key, display_key = await _make_one(storage, image)
        except InvalidImage:
            # Damaged in storage: no attempt can succeed; the original stays the thumbnail.
            log.warning("thumbnail not made: stored image damaged", image_id=str(image.id))
            async with sessionmaker() as session:
                await repository.thumbnail_not_made(session, image.id, None)
                await session.commit()
            continue
        except Exception as error:  # storage unreachable, the original missing, ...
            gave_up = image.thumbnail_attempts >= MAX_THUMBNAIL_ATTEMPTS
            retry_at = (
                None
                if gave_up
                else now + FIRST_THUMBNAIL_RETRY * 2 ** (image.thumbnail_attempts - 1)
            )
            log.warning(
                "thumbnail not made",
                image_id=str(image.id),
                attempts=image.thumbnail_attempts,
                gave_up=gave_up,
                error=f"{type(error).__name__}: {error}"[:200],
            )
            async with sessionmaker() as session:
                await repository.thumbnail_not_made(session, image.id, retry_at)
                await session.commit()
            continue
        async with sessionmaker() as session:
            outcome, material_id = await repository.thumbnail_made(
                session, image.id, key, display_key
            )
            if material_id is not None:
                # Its listing's cached detail and searches show the original: retired.
                listings_changed(session, [material_id])
            await session.commit()
            await run_after_commit(session)
        if outcome == "recorded":
            made += 1
        elif outcome == "gone":
            # Deleted meanwhile (the purge of unattached images): the files go too.
            for written in variant_keys(image.storage_key):
                await storage.delete(written)
    return len(claimed), made


def url(storage: Storage, image: Image) -> str:
    return storage.url(image.storage_key)


def thumbnail_url(storage: Storage, image: Image) -> str:
    return storage.url(image.thumbnail_key)


def display_url(storage: Storage, image: Image) -> str:
    return storage.url(image.display_key or image.storage_key)


def unattached_purge(storage: Storage) -> Callable[[AsyncSession], Awaitable[int]]:
    """The periodic job (app.py) deleting images no listing uses: the rows in the job's
    transaction, the files once it has committed."""

    async def purge(session: AsyncSession) -> int:
        cutoff = datetime.now(UTC) - UNATTACHED_GRACE
        keys = await repository.delete_unattached(session, cutoff, PURGE_BATCH)

        async def delete_files() -> None:
            for storage_key, thumbnail_key, display_key in keys:
                # A pending image's variants may have been written without being recorded.
                recorded = {storage_key, thumbnail_key, display_key or storage_key}
                for key in recorded | variant_keys(storage_key):
                    await storage.delete(key)

        after_commit(session, delete_files)
        return len(keys)

    return purge
