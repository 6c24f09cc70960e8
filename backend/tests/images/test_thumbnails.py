"""The thumbnail job: an upload is served as its own thumbnail and display image until the job
has made them; the job is idempotent, retries what failed for a passing reason and gives up
on a damaged stored image without failing the run."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.storage import Storage
from fabricloop.images import service
from fabricloop.images.models import Image
from fabricloop.materials import caching
from tests.factories import make_user
from tests.images import samples
from tests.images.jobs import run_thumbnail_job, stored_row


@pytest.fixture
def storage(app: FastAPI) -> Storage:
    current: Storage = app.state.storage
    return current


async def uploaded(session: AsyncSession, storage: Storage, data: bytes | None = None) -> Image:
    user = await make_user(session)
    image = await service.upload(
        session,
        storage,
        service.ProcessingPool(1, 0),
        user.id,
        io.BytesIO(data or samples.jpeg((1200, 900))),
    )
    await session.commit()
    return image


async def test_running_the_job_twice_makes_one_thumbnail(
    app: FastAPI, session: AsyncSession, storage: Storage
) -> None:
    image = await uploaded(session, storage)
    assert service.thumbnail_url(storage, image) == service.url(storage, image)
    assert await run_thumbnail_job(app) == 1
    made = await stored_row(session, image.id)
    assert (made.thumbnail_status, made.thumbnail_attempts) == ("ready", 1)
    first = await storage.read(made.thumbnail_key)
    assert samples.opened(first).size == (400, 300)

    # Again: nothing is due, nothing changes.
    assert await run_thumbnail_job(app) == 0
    again = await stored_row(session, image.id)
    assert (again.thumbnail_key, again.thumbnail_attempts) == (made.thumbnail_key, 1)

    # A worker that died after writing the file but before recording it: its lease runs out
    # and the next run writes the same file under the same key.
    later = datetime.now(UTC) + service.THUMBNAIL_LEASE
    await session.execute(
        update(Image)
        .where(Image.id == image.id)
        .values(thumbnail_status="pending", thumbnail_key=image.storage_key, thumbnail_due_at=later)
    )
    await session.commit()
    assert (
        await service.make_thumbnails(
            app.state.sessionmaker, storage, caching.invalidator(app.state.cache), now=later
        )
        == 1
    )
    redone = await stored_row(session, image.id)
    assert (redone.thumbnail_status, redone.thumbnail_key) == ("ready", made.thumbnail_key)
    assert await storage.read(redone.thumbnail_key) == first


async def test_a_damaged_stored_image_keeps_the_original_as_thumbnail(
    app: FastAPI, session: AsyncSession, storage: Storage
) -> None:
    image = await uploaded(session, storage)
    healthy = await uploaded(session, storage, samples.png((800, 400)))
    # Damaged in storage after the upload had checked it.
    await storage.save(image.storage_key, b"\xff\xd8\xff\xe0 not a jpeg any more", "image/jpeg")

    assert await run_thumbnail_job(app) == 1  # the other one is made all the same
    damaged = await stored_row(session, image.id)
    assert damaged.thumbnail_status == "failed"
    assert service.thumbnail_url(storage, damaged) == service.url(storage, damaged)
    assert (await stored_row(session, healthy.id)).thumbnail_status == "ready"
    # Given up: never taken again.
    later = datetime.now(UTC) + timedelta(days=1)
    assert (
        await service.make_thumbnails(
            app.state.sessionmaker, storage, caching.invalidator(app.state.cache), now=later
        )
        == 0
    )
    assert (await stored_row(session, image.id)).thumbnail_attempts == 1


async def test_a_storage_failure_is_retried_later(
    app: FastAPI, session: AsyncSession, storage: Storage
) -> None:
    image = await uploaded(session, storage)
    original = await storage.read(image.storage_key)
    await storage.delete(image.storage_key)  # unreadable for now

    assert await run_thumbnail_job(app) == 0
    waiting = await stored_row(session, image.id)
    assert (waiting.thumbnail_status, waiting.thumbnail_attempts) == ("pending", 1)
    assert waiting.thumbnail_due_at is not None
    assert waiting.thumbnail_due_at >= datetime.now(UTC) + service.FIRST_THUMBNAIL_RETRY / 2

    await storage.save(image.storage_key, original, "image/jpeg")
    assert await run_thumbnail_job(app) == 0  # not due yet
    assert (
        await service.make_thumbnails(
            app.state.sessionmaker,
            storage,
            caching.invalidator(app.state.cache),
            now=waiting.thumbnail_due_at,
        )
        == 1
    )
    made = await stored_row(session, image.id)
    assert (made.thumbnail_status, made.thumbnail_attempts) == ("ready", 2)


async def test_given_up_after_the_last_attempt(
    app: FastAPI, session: AsyncSession, storage: Storage
) -> None:
    image = await uploaded(session, storage)
    await storage.delete(image.storage_key)
    now = datetime.now(UTC)
    for _ in range(service.MAX_THUMBNAIL_ATTEMPTS):
        assert (
            await service.make_thumbnails(
                app.state.sessionmaker, storage, caching.invalidator(app.state.cache), now=now
            )
            == 0
        )
        now += timedelta(days=1)
    row = await stored_row(session, image.id)
    assert (row.thumbnail_status, row.thumbnail_attempts) == (
        "failed",
        service.MAX_THUMBNAIL_ATTEMPTS,
    )
    assert row.thumbnail_key == row.storage_key


async def run_at(app: FastAPI, storage: Storage, now: datetime) -> int:
    return await service.make_thumbnails(
        app.state.sessionmaker, storage, caching.invalidator(app.state.cache), now=now
    )


async def test_the_job_makes_the_display_image_beside_the_thumbnail(
    app: FastAPI, session: AsyncSession, storage: Storage
) -> None:
    image = await uploaded(session, storage, samples.jpeg((3000, 2000)))
    # Until the job has run, the original is served in its place.
    assert image.display_key is None
    assert service.display_url(storage, image) == service.url(storage, image)

    assert await run_thumbnail_job(app) == 1
    made = await stored_row(session, image.id)
    assert made.display_key == service.display_key_of(image.storage_key)
    assert service.display_url(storage, made) == storage.url(made.display_key)
    display = await storage.read(made.display_key)
    opened = samples.opened(display)
    assert (opened.format, opened.size) == ("WEBP", (1200, 800))
    assert samples.opened(await storage.read(made.thumbnail_key)).size == (400, 267)

    # Idempotent: again, nothing; after a crash between writing and recording, the same
    # files under the same keys.
    assert await run_thumbnail_job(app) == 0
    later = datetime.now(UTC) + service.THUMBNAIL_LEASE
    await session.execute(
        update(Image)
        .where(Image.id == image.id)
        .values(thumbnail_status="pending", display_key=None, thumbnail_due_at=later)
    )
    await session.commit()
    assert await run_at(app, storage, later) == 1
    redone = await stored_row(session, image.id)
    assert (redone.thumbnail_status, redone.display_key) == ("ready", made.display_key)
    assert await storage.read(made.display_key) == display


async def test_a_small_image_is_its_own_display_image(
    app: FastAPI, session: AsyncSession, storage: Storage
) -> None:
    image = await uploaded(session, storage, samples.jpeg((800, 600)))
    assert await run_thumbnail_job(app) == 1
    made = await stored_row(session, image.id)
    assert made.display_key == made.storage_key
    assert service.display_url(storage, made) == service.url(storage, made)
    with pytest.raises(FileNotFoundError):
        await storage.read(service.display_key_of(image.storage_key))


async def test_images_stored_before_display_images_get_one_in_batches(
    app: FastAPI, session: AsyncSession, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0029 makes every image whose thumbnail was made pending again: the job makes
    the display images a batch at a time, the thumbnail served meanwhile stays."""
    images = [await uploaded(session, storage, samples.jpeg((1600, 1200))) for _ in range(3)]
    assert await run_thumbnail_job(app) == 3
    ids = [i.id for i in images]
    # As they were before 0029, then what its upgrade does.
    await session.execute(update(Image).where(Image.id.in_(ids)).values(display_key=None))
    for image in images:
        await storage.delete(service.display_key_of(image.storage_key))
    await session.execute(
        update(Image)
        .where(Image.id.in_(ids), Image.thumbnail_status == "ready")
        .values(
            thumbnail_status="pending", thumbnail_attempts=0, thumbnail_due_at=datetime.now(UTC)
        )
    )
    await session.commit()
    before = await stored_row(session, ids[0])
    assert before.thumbnail_key == service.thumbnail_key_of(before.storage_key)
    assert service.display_url(storage, before) == service.url(storage, before)

    monkeypatch.setattr(service, "THUMBNAIL_BATCH", 2)
    assert await run_thumbnail_job(app) == 3  # two batches in one run
    for image_id in ids:
        row = await stored_row(session, image_id)
        assert row.thumbnail_status == "ready"
        assert row.display_key == service.display_key_of(row.storage_key)
        assert samples.opened(await storage.read(row.display_key)).size == (1200, 900)
