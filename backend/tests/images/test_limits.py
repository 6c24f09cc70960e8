"""Image decoding is bounded: a few at once per process, a short queue, then 429; and uploads
per account are rate limited."""

import asyncio
import io
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.images.errors import ImagesBusy
from fabricloop.images.service import ProcessingPool
from tests.factories import auth_headers, make_user
from tests.images import samples

URL = "/api/images"


@pytest.fixture
async def user(session: AsyncSession) -> User:
    return await make_user(session)


@pytest.fixture
def one_slot(app: FastAPI) -> Iterator[ProcessingPool]:
    """One decode at a time and one upload waiting, for this test."""
    saved = app.state.image_pool
    app.state.image_pool = pool = ProcessingPool(1, 1)
    yield pool
    app.state.image_pool = saved


async def upload(client: AsyncClient, user: User) -> Response:
    return await client.post(
        URL,
        files={"file": ("a.png", samples.png((32, 32)), "image/png")},
        headers=auth_headers(user),
    )


def assert_rate_limited(response: Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["retry-after"]) >= 1


class TestProcessingPool:
    async def test_busy_beyond_the_queue(self, one_slot: ProcessingPool) -> None:
        await one_slot.slots.acquire()  # a decode in progress
        queued = asyncio.create_task(one_slot.process(io.BytesIO(samples.png((32, 32)))))
        await asyncio.sleep(0)  # the task runs until it waits for the slot
        assert one_slot.waiting == 1
        with pytest.raises(ImagesBusy):
            await one_slot.process(io.BytesIO(samples.png((32, 32))))
        one_slot.slots.release()
        assert (await queued).width == 32
        assert one_slot.waiting == 0
        assert one_slot.slots.available_tokens == 1

    async def test_refused_over_http_with_retry_after(
        self, client: AsyncClient, user: User, one_slot: ProcessingPool
    ) -> None:
        one_slot.queue = 0
        await one_slot.slots.acquire()
        try:
            assert_rate_limited(await upload(client, user))
        finally:
            one_slot.slots.release()
        assert (await upload(client, user)).status_code == 201


class TestUploadRate:
    async def test_per_account(
        self, client: AsyncClient, session: AsyncSession, user: User, app: FastAPI
    ) -> None:
        allowed = app.state.settings.uploads_per_minute
        codes = [(await upload(client, user)).status_code for _ in range(allowed)]
        assert codes == [201] * allowed
        assert_rate_limited(await upload(client, user))
        other = await make_user(session)
        assert (await upload(client, other)).status_code == 201
