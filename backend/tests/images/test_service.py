import io
import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.config import Settings
from fabricloop.core.storage import Storage
from fabricloop.images import service
from tests.factories import make_user
from tests.images import samples
from tests.images.jobs import run_thumbnail_job, stored_row


def media_files(settings: Settings) -> set[Path]:
    return {p for p in settings.media_path.rglob("*") if p.is_file()}


@pytest.fixture
def storage(app: FastAPI) -> Storage:
    current: Storage = app.state.storage
    return current


class TestUpload:
    async def test_stores_the_image_and_the_row_then_the_job_the_thumbnail(
        self, app: FastAPI, session: AsyncSession, storage: Storage
    ) -> None:
        user = await make_user(session)
        image = await service.upload(
            session, storage, service.ProcessingPool(1, 0), user.id, io.BytesIO(samples.webp())
        )
        await session.commit()
        assert image.content_type == "image/webp"
        assert (await storage.read(image.storage_key))[:4] == b"RIFF"
        assert service.url(storage, image) == f"/media/{image.storage_key}"
        assert service.thumbnail_url(storage, image) == service.url(storage, image)
        assert await run_thumbnail_job(app) == 1
        image = await stored_row(session, image.id)
        assert image.thumbnail_key == service.thumbnail_key_of(image.storage_key)
        thumbnail = samples.opened(await storage.read(image.thumbnail_key))
        assert thumbnail.size == (400, 300)
        assert service.thumbnail_url(storage, image) == f"/media/{image.thumbnail_key}"

    async def test_files_removed_when_the_row_fails(
        self, session: AsyncSession, storage: Storage, settings: Settings
    ) -> None:
        before = media_files(settings)
        with pytest.raises(IntegrityError):
            # No such user: the foreign key refuses the row after the files were written.
            await service.upload(
                session,
                storage,
                service.ProcessingPool(1, 0),
                uuid.uuid4(),
                io.BytesIO(samples.png()),
            )
        assert media_files(settings) == before
        await session.rollback()
