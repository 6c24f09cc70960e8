"""The cache epoch's refresh loop (core.cache_epoch) ends when a shutdown asks, even when
redis-py swallows the cancellation (redis-py issue 2028)."""

import asyncio
import random

from fabricloop.config import Settings
from fabricloop.core.cache_epoch import CacheEpoch, start_epoch, stop_epoch
from tests.core.apps import running


async def test_the_flag_alone_ends_the_loop(settings: Settings, migrated: str) -> None:  # noqa: ARG001
    async with running(settings) as (app, _):
        keeper: CacheEpoch = app.state.cache_epoch
        task = asyncio.create_task(keeper.run_forever(interval_seconds=0.01))
        await asyncio.sleep(0.05)
        assert not task.done()
        keeper.stopping = True  # no cancellation at all
        done, _ = await asyncio.wait({task}, timeout=2)
        assert done == {task}
        assert task.exception() is None


async def test_a_started_loop_stops(settings: Settings, migrated: str) -> None:  # noqa: ARG001
    async with running(settings) as (app, _):
        keeper: CacheEpoch = app.state.cache_epoch
        task = start_epoch(keeper)
        await asyncio.sleep(0.05)
        await stop_epoch(keeper, task)
        assert task.done()


async def test_stopped_at_any_moment_of_a_sync(settings: Settings, migrated: str) -> None:  # noqa: ARG001
    # Without a pause between syncs, the stop lands inside the Redis or the database call:
    # about one cancellation in seven was lost in redis-py when the loop ended on it alone.
    async with running(settings) as (app, _):
        keeper: CacheEpoch = app.state.cache_epoch
        for _ in range(150):
            keeper.stopping = False
            task = asyncio.create_task(keeper.run_forever(interval_seconds=0.0))
            await asyncio.sleep(random.uniform(0, 0.004))
            await stop_epoch(keeper, task)  # waits at most STOP_SECONDS
            assert task.done()
