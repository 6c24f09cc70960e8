"""The process's one subscription (core.events.EventHub) against the real Redis: what it hands
to an open stream, and that it ends when asked, even when the cancellation never reaches it."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from fabricloop.config import Settings
from fabricloop.core.events import READ_SECONDS, Event, EventHub, publish
from fabricloop.core.redis import AutoPipeline


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[EventHub]:
    assert settings.redis_url is not None
    hub = EventHub(settings.redis_url)
    await hub.start()
    await asyncio.wait_for(hub.subscribed.wait(), 10)
    try:
        yield hub
    finally:
        await hub.stop()


async def test_a_published_event_reaches_its_users_stream(hub: EventHub) -> None:
    reader, other = uuid.uuid4(), uuid.uuid4()
    async with hub.subscribe(reader) as events:
        await publish(
            AutoPipeline(hub.redis), [Event(other, "x", {}), Event(reader, "message", {"n": "é"})]
        )
        event = await asyncio.wait_for(anext(events), 10)
    assert event == Event(reader, "message", {"n": "é"})
    assert hub.open_streams == 0


async def test_the_subscription_ends_on_the_flag_alone(hub: EventHub) -> None:
    # As when the client swallowed the cancellation: only the flag is left to end the loop.
    assert hub.task is not None
    hub.stopping = True
    await asyncio.wait_for(asyncio.shield(hub.task), READ_SECONDS * 5)
    assert hub.task.done()
    assert not hub.task.cancelled()


async def test_stop_ends_the_task_and_every_open_stream(hub: EventHub) -> None:
    async with hub.subscribe(uuid.uuid4()) as events:
        await hub.stop()
        assert hub.task is not None
        assert hub.task.done()
        assert [event async for event in events] == []  # the stream ended


async def test_stopped_right_after_start(settings: Settings) -> None:
    assert settings.redis_url is not None
    for _ in range(5):
        hub = EventHub(settings.redis_url)
        await hub.start()
        await asyncio.sleep(0)  # the listener has begun to subscribe
        await hub.stop()
        assert hub.task is not None
        assert hub.task.done()


async def test_no_subscription_is_left_behind(settings: Settings) -> None:
    assert settings.redis_url is not None
    redis = Redis.from_url(settings.redis_url)
    try:
        before = (await redis.pubsub_numsub("fabricloop:events"))[0][1]
        hub = EventHub(settings.redis_url)
        await hub.start()
        await asyncio.wait_for(hub.subscribed.wait(), 10)
        assert (await redis.pubsub_numsub("fabricloop:events"))[0][1] == before + 1
        await hub.stop()
        assert (await redis.pubsub_numsub("fabricloop:events"))[0][1] == before
    finally:
        await redis.aclose()
