"""No cached price older than the database once Redis is back: a change whose invalidation
could not reach Redis (stalled, partitioned) or that Redis forgot (restarted from older saved
data) retires the whole cache through the epoch (core.cache_epoch). Each test runs app
processes on a Redis server of its own (tests.servers) and commits."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.app import create_app
from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.materials.listing_cache import material_key
from fabricloop.materials.models import Material
from tests.factories import auth_headers, make_material, make_user
from tests.servers import RedisProcess


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@asynccontextmanager
async def process(settings: Settings, redis_url: str) -> AsyncIterator[AsyncClient]:
    """One app process (its own pools, cache and epoch) and a client of it."""
    app: FastAPI = create_app(settings.model_copy(update={"redis_url": redis_url}))
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app, client=("203.0.113.20", 50000))
        async with AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def app_of(client: AsyncClient) -> FastAPI:
    transport = client._transport
    assert isinstance(transport, ASGITransport)
    app: FastAPI = transport.app  # type: ignore[assignment]
    return app


@pytest.fixture
async def listing(committed: async_sessionmaker[AsyncSession]) -> tuple[User, Material]:
    async with committed() as session:
        seller = await make_user(session, role="manufacturer")
        material = await make_material(session, seller, price=Decimal("10.00"))
        await session.commit()
    return seller, material


async def shown_prices(client: AsyncClient, material: Material) -> tuple[Any, Any]:
    """The price on the listing's page and in a search that shows it."""
    detail = await client.get(f"/api/materials/{material.id}")
    search = await client.get("/api/materials", params={"q": "cotton"})
    assert detail.status_code == search.status_code == 200
    [summary] = [m for m in search.json()["materials"] if m["material_id"] == str(material.id)]
    return detail.json()["price"], summary["price"]


async def change_price(client: AsyncClient, seller: User, material: Material) -> None:
    response = await client.put(
        f"/api/materials/{material.id}", json={"price": 12.34}, headers=auth_headers(seller)
    )
    assert response.status_code == 200, response.text


def backoff_passed(client: AsyncClient) -> None:
    """As if the two seconds a process leaves a failed Redis alone had gone by."""
    app_of(client).state.cache._down_until = 0.0


class TestPricesAfterARedisOutage:
    async def test_change_during_a_stall(
        self, settings: Settings, own_redis: RedisProcess, listing: tuple[User, Material]
    ) -> None:
        seller, material = listing
        async with process(settings, own_redis.url) as client:
            assert await shown_prices(client, material) == (10, 10)
            assert await shown_prices(client, material) == (10, 10)  # now from the cache
            own_redis.stall()
            try:
                await change_price(client, seller, material)
            finally:
                own_redis.resume()
            backoff_passed(client)
            # The stale entries are back with Redis, but this process distrusts the cache...
            assert await app_of(client).state.redis.exists(material_key(material.id)) == 1
            assert await shown_prices(client, material) == (12.34, 12.34)
            # ... until the epoch has moved on, which retires them.
            await app_of(client).state.cache_epoch.sync()
            assert await shown_prices(client, material) == (12.34, 12.34)
            assert await shown_prices(client, material) == (12.34, 12.34)
            cached = await app_of(client).state.redis.get(material_key(material.id))
            assert cached.startswith(b"e%d\n" % app_of(client).state.cache.epoch)

    async def test_change_from_a_process_cut_off_from_redis(
        self,
        settings: Settings,
        own_redis: RedisProcess,
        listing: tuple[User, Material],
        tmp_path: Path,
    ) -> None:
        seller, material = listing
        nowhere = f"unix://{tmp_path / 'no-redis-here.sock'}"
        async with process(settings, own_redis.url) as reader, process(settings, nowhere) as cut:
            await app_of(reader).state.cache_epoch.sync()
            assert await shown_prices(reader, material) == (10, 10)
            await change_price(cut, seller, material)
            await app_of(cut).state.cache_epoch.sync()  # its next tick: the failure is seen
            await app_of(reader).state.cache_epoch.sync()  # the reader's next tick
            assert await shown_prices(reader, material) == (12.34, 12.34)

    async def test_redis_restarted_from_older_saved_data(
        self, settings: Settings, own_redis: RedisProcess, listing: tuple[User, Material]
    ) -> None:
        seller, material = listing
        async with process(settings, own_redis.url) as client:
            await app_of(client).state.cache_epoch.sync()
            assert await shown_prices(client, material) == (10, 10)
            await app_of(client).state.redis.save()  # the entries at 10 are on disk
            await change_price(client, seller, material)
            assert await shown_prices(client, material) == (12.34, 12.34)
            own_redis.kill()
            own_redis.start()  # from the saved data: the entries at 10 are back
            redis = app_of(client).state.redis
            await redis.connection_pool.disconnect()  # as after any reconnect
            assert b"10" in await redis.get(material_key(material.id))
            await app_of(client).state.cache_epoch.sync()
            assert await shown_prices(client, material) == (12.34, 12.34)
            assert await shown_prices(client, material) == (12.34, 12.34)

    async def test_first_read_after_a_restart_is_current(
        self, settings: Settings, own_redis: RedisProcess, listing: tuple[User, Material]
    ) -> None:
        """redis-py reconnects on its own: the first read on a new connection to a restarted
        Redis must not serve what it brought back, before the epoch keeper's next tick."""
        seller, material = listing
        async with process(settings, own_redis.url) as client:
            await app_of(client).state.cache_epoch.sync()
            assert await shown_prices(client, material) == (10, 10)
            await app_of(client).state.redis.save()
            await change_price(client, seller, material)
            own_redis.kill()
            own_redis.start()  # the entries at 10 are back; no tick of the keeper since
            # Only new connections from here on, as after redis-py's own retry: no error seen.
            await app_of(client).state.redis.connection_pool.disconnect()
            cache = app_of(client).state.cache
            assert cache.trusted
            assert await shown_prices(client, material) == (12.34, 12.34)
            assert cache.server.restarts == 1
            assert not cache.trusted
            await app_of(client).state.cache_epoch.sync()  # moves the epoch on
            assert cache.trusted
            assert await shown_prices(client, material) == (12.34, 12.34)
            raw = await app_of(client).state.redis.get(material_key(material.id))
            assert raw is not None
            assert raw.startswith(b"e%d\n" % cache.epoch)  # cached again
