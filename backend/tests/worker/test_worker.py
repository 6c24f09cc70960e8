"""The job queue with real saq workers on the test Redis: a committed event's email is queued
after the commit and sent by a worker; periodic jobs are scheduled once across workers."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis
from saq import Queue
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core import queue as queue_module
from fabricloop.core.db import run_after_commit
from fabricloop.core.mailsink import kept_mails, start_sink
from fabricloop.core.queue import create_queue, enqueue_after_commit, use_queue
from fabricloop.images.models import Image
from fabricloop.images.service import thumbnail_key_of
from fabricloop.notifications.models import OutboxEmail
from fabricloop.worker import build_worker, schedules
from tests.contract.helpers import material_body
from tests.factories import auth_headers, make_user
from tests.http_servers import free_port
from tests.images import samples

pytestmark = pytest.mark.concurrency


@pytest.fixture
async def queue(settings: Settings, redis: Redis) -> AsyncIterator[Queue]:  # noqa: ARG001
    assert settings.redis_url is not None
    queue = create_queue(settings.redis_url, settings.job_queue)
    await queue.connect()
    use_queue(queue)
    try:
        yield queue
    finally:
        use_queue(None)
        await queue.disconnect()


@pytest.fixture
def mail_dir(tmp_path: Path, settings: Settings) -> Iterator[tuple[Settings, Path]]:
    port = free_port()
    directory = tmp_path / "mail"
    sink = start_sink(directory, port=port)
    try:
        yield settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"}), directory
    finally:
        sink.stop()


@pytest.mark.usefixtures("app")
async def test_message_email_is_sent_by_a_worker(
    committed: async_sessionmaker[AsyncSession],
    committed_client: AsyncClient,
    queue: Queue,
    mail_dir: tuple[Settings, Path],
) -> None:
    worker_settings, directory = mail_dir
    async with committed() as session:
        sender = await make_user(session, company_name="Weaver & Co")
        recipient = await make_user(session, email="reader@example.com")
        await session.commit()
    response = await committed_client.post(
        "/api/messages",
        json={"recipient_id": str(recipient.id), "content": "Is the denim still there?"},
        headers=auth_headers(sender),
    )
    assert response.status_code == 201
    # The commit enqueued the send; one worker in burst mode runs what is queued, then stops.
    assert await queue.count("queued") == 1
    # The queue of another server on the same Redis database (JOB_QUEUE) holds none of it.
    assert worker_settings.redis_url is not None
    other = create_queue(worker_settings.redis_url, f"{worker_settings.job_queue}-other")
    try:
        assert await other.count("queued") == 0
    finally:
        await other.disconnect()
    worker = build_worker(worker_settings, queue, burst=True, dequeue_timeout=1)
    await worker.start()
    [mail] = kept_mails(directory)
    assert mail.subject == "New message from Weaver & Co"
    assert mail.to == "reader@example.com"
    async with committed() as session:
        [row] = (await session.scalars(select(OutboxEmail))).all()
    assert row.status == "sent"


@pytest.mark.usefixtures("app")
async def test_upload_serves_the_original_until_a_worker_makes_the_thumbnail(
    committed: async_sessionmaker[AsyncSession],
    committed_client: AsyncClient,
    queue: Queue,
    settings: Settings,
) -> None:
    async with committed() as session:
        seller = await make_user(session, role="manufacturer")
        await session.commit()
    headers = auth_headers(seller)
    response = await committed_client.post(
        "/api/images",
        files={"file": ("photo.jpg", samples.jpeg((1600, 1200)), "image/jpeg")},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    upload = response.json()
    # No worker yet: the thumbnail is the original, which is served.
    assert upload["thumbnail_url"] == upload["url"]
    assert (await committed_client.get(upload["thumbnail_url"])).status_code == 200
    assert await queue.count("queued") == 1
    created = await committed_client.post(
        "/api/materials", json=material_body(images=[upload["image_id"]]), headers=headers
    )
    assert created.status_code == 201, created.text
    detail_url = f"/api/materials/{created.json()['material_id']}"
    for _ in range(2):  # the second from the cache
        [shown] = (await committed_client.get(detail_url)).json()["images"]
        assert shown["thumbnail_url"] == upload["url"]

    worker = build_worker(settings, queue, burst=True, dequeue_timeout=1)
    await worker.start()

    async with committed() as session:
        [row] = (await session.scalars(select(Image))).all()
    assert row.thumbnail_status == "ready"
    assert row.thumbnail_key == thumbnail_key_of(row.storage_key)
    # The listing's cached detail was retired: it shows the thumbnail now.
    [shown] = (await committed_client.get(detail_url)).json()["images"]
    assert shown["url"] == upload["url"]
    assert shown["thumbnail_url"] == f"/media/{row.thumbnail_key}"
    served = await committed_client.get(shown["thumbnail_url"])
    assert samples.opened(served.content).size == (400, 300)


async def test_rolled_back_request_enqueues_nothing(
    committed: async_sessionmaker[AsyncSession],
    committed_client: AsyncClient,
    queue: Queue,
) -> None:
    async with committed() as session:
        sender = await make_user(session)
        await session.commit()
    response = await committed_client.post(
        "/api/messages",
        json={"recipient_id": str(sender.id), "content": "to myself"},
        headers=auth_headers(sender),
    )
    assert response.status_code == 422
    assert await queue.count("queued") == 0
    async with committed() as session:
        assert (await session.scalars(select(OutboxEmail))).all() == []


async def test_periodic_jobs_are_scheduled_once_across_workers(
    settings: Settings, queue: Queue
) -> None:
    assert settings.redis_url is not None
    other = create_queue(settings.redis_url, settings.job_queue)
    await other.connect()
    try:
        first = build_worker(settings, queue)
        second = build_worker(settings, other)
        for _ in range(3):
            await first.schedule()
            await second.schedule()
        # One pending run per periodic job, however many workers schedule it.
        assert await queue.count("incomplete") == len(first.functions)
        assert set(schedules(settings)) <= set(first.functions)
    finally:
        await other.disconnect()


async def test_a_burst_of_commits_enqueues_a_job_at_once_and_once_after_them(
    committed: async_sessionmaker[AsyncSession], queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window long enough that a slow host runs the burst inside it.
    window = 1.0
    monkeypatch.setattr(queue_module, "COALESCE_SECONDS", window)

    async def commit_asking_for(function: str) -> None:
        async with committed() as session:
            enqueue_after_commit(session, function)
            await session.commit()
            await run_after_commit(session)

    async def queued_once_settled(expected: int) -> int:
        deadline = asyncio.get_running_loop().time() + 10 * window
        while (count := await queue.count("queued")) < expected:
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.02)
        return int(count)

    for _ in range(10):
        await commit_asking_for("send_emails")
    # The first is enqueued at once; the nine after it share one enqueue after the window,
    # which comes after each of their commits.
    assert await queue.count("queued") == 1
    await commit_asking_for("render_documents")  # another job has a window of its own
    assert await queue.count("queued") == 2
    assert await queued_once_settled(3) == 3
    # Nobody asked during the second window: nothing more; a later commit enqueues at once.
    await asyncio.sleep(window * 1.5)
    assert await queue.count("queued") == 3
    await commit_asking_for("send_emails")
    assert await queue.count("queued") == 4
