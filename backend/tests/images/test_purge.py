"""The periodic job that deletes uploads no listing uses, rows and files."""

import io
import uuid
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.app import periodic_jobs
from fabricloop.core.jobs import Job, run_job
from fabricloop.core.storage import Storage
from fabricloop.images import service
from fabricloop.images.models import Image
from fabricloop.materials import caching
from tests.factories import make_material, make_user
from tests.images import samples


async def uploaded(
    session: AsyncSession, storage: Storage, owner_id: uuid.UUID, age: timedelta
) -> Image:
    image = await service.upload(
        session,
        storage,
        service.ProcessingPool(1, 0),
        owner_id,
        # Larger than a display image: the job writes one.
        io.BytesIO(samples.jpeg((1600, 1200))),
    )
    await session.execute(
        update(Image).where(Image.id == image.id).values(created_at=datetime.now(UTC) - age)
    )
    return image


async def exists(storage: Storage, key: str) -> bool:
    try:
        await storage.read(key)
    except FileNotFoundError:
        return False
    return True


async def test_deletes_old_unattached_uploads_with_their_files(
    app: FastAPI, committed: async_sessionmaker[AsyncSession]
) -> None:
    storage: Storage = app.state.storage
    old = service.UNATTACHED_GRACE + timedelta(minutes=1)
    async with committed() as session, session.begin():
        seller = await make_user(session)
        abandoned = await uploaded(session, storage, seller.id, old)
        fresh = await uploaded(session, storage, seller.id, timedelta(hours=1))
        on_listing = await uploaded(session, storage, seller.id, old)
        material = await make_material(session, seller)
        on_listing.material_id = material.id
    assert (
        await service.make_thumbnails(committed, storage, caching.invalidator(app.state.cache)) == 3
    )
    [job] = [
        j
        for j in periodic_jobs(
            app.state.cache,
            storage,
            app.state.payment_gateway,
            app.state.settings,
        )
        if j.name == "purge_unattached_images"
    ]

    assert await run_job(committed, job) == 1

    async with committed() as session:
        left = set((await session.scalars(select(Image.id))).all())
    assert left == {fresh.id, on_listing.id}
    assert not await exists(storage, abandoned.storage_key)
    assert not await exists(storage, service.thumbnail_key_of(abandoned.storage_key))
    assert not await exists(storage, service.display_key_of(abandoned.storage_key))
    for kept in (fresh, on_listing):
        assert await exists(storage, kept.storage_key)
        assert await exists(storage, service.thumbnail_key_of(kept.storage_key))
        assert await exists(storage, service.display_key_of(kept.storage_key))
    assert await run_job(committed, job) == 0


async def test_an_image_being_attached_is_skipped(
    app: FastAPI, committed: async_sessionmaker[AsyncSession]
) -> None:
    storage: Storage = app.state.storage
    async with committed() as session, session.begin():
        seller = await make_user(session)
        image = await uploaded(session, storage, seller.id, timedelta(days=3))
    job = Job("purge_unattached_images_test", service.unattached_purge(storage))
    async with committed() as attaching, attaching.begin():
        # What a listing does before it takes an image: lock the row.
        await attaching.execute(select(Image).where(Image.id == image.id).with_for_update())
        assert await run_job(committed, job) == 0
    assert await exists(storage, image.storage_key)
