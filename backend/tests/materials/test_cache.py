"""The listing caches, observed through Redis itself."""

from collections.abc import AsyncIterator
from decimal import Decimal

import orjson
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from fabricloop.app import create_app
from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.cache import SEARCH_GENERATION_KEY, Cache, material_key
from fabricloop.materials import caching
from fabricloop.materials.models import Material
from tests.factories import auth_headers, make_material
from tests.materials.conftest import MATERIALS, listing


async def search_keys(redis: Redis) -> list[bytes]:
    return [k for k in await redis.keys("search:*") if k != SEARCH_GENERATION_KEY.encode()]


async def sneak_quantity(session: AsyncSession, material: Material, quantity: str) -> None:
    """Change the row behind the app's back (no invalidation), to tell cache from database."""
    await session.execute(
        update(Material).where(Material.id == material.id).values(quantity=Decimal(quantity))
    )
    await session.flush()


class TestMaterialCache:
    async def test_public_detail_is_cached(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        first = await client.get(f"{MATERIALS}/{material.id}")
        cached = await redis.get(material_key(material.id))
        assert cached is not None
        assert orjson.loads(cached) == first.json()
        assert 0 < await redis.ttl(material_key(material.id)) <= 300
        await sneak_quantity(session, material, "7")
        second = await client.get(f"{MATERIALS}/{material.id}")
        assert second.json()["quantity"] == 100  # served from the cache

    async def test_owner_view_of_draft_is_not_cached(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller, status="draft")
        response = await client.get(f"{MATERIALS}/{material.id}", headers=auth_headers(seller))
        assert response.status_code == 200
        assert await redis.exists(material_key(material.id)) == 0
        assert (await client.get(f"{MATERIALS}/{material.id}")).status_code == 404

    async def test_update_invalidates(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await client.get(f"{MATERIALS}/{material.id}")
        assert await redis.exists(material_key(material.id)) == 1
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={"quantity": 12}, headers=auth_headers(seller)
        )
        assert response.status_code == 200
        assert await redis.exists(material_key(material.id)) == 0
        assert (await client.get(f"{MATERIALS}/{material.id}")).json()["quantity"] == 12

    async def test_draft_after_update_is_not_served_from_cache(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await client.get(f"{MATERIALS}/{material.id}")
        await client.put(
            f"{MATERIALS}/{material.id}", json={"status": "draft"}, headers=auth_headers(seller)
        )
        assert (await client.get(f"{MATERIALS}/{material.id}")).status_code == 404

    async def test_delete_invalidates(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await client.get(f"{MATERIALS}/{material.id}")
        await client.get(MATERIALS)
        response = await client.delete(f"{MATERIALS}/{material.id}", headers=auth_headers(seller))
        assert response.status_code == 200
        assert await redis.exists(material_key(material.id)) == 0
        assert (await client.get(f"{MATERIALS}/{material.id}")).status_code == 404
        assert (await client.get(MATERIALS)).json()["total"] == 0

    async def test_failed_update_keeps_cache(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await client.get(f"{MATERIALS}/{material.id}")
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={"quantity": -1}, headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert await redis.exists(material_key(material.id)) == 1

    async def test_read_racing_an_update_stores_nothing(
        self, app: FastAPI, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        cache: Cache = app.state.cache
        seen = await caching.generation(cache)
        await cache.invalidate_material("some-change")
        stored = await caching.store_if_unchanged(cache, seen, "material:x", b"{}", 60)
        assert stored is False
        assert await redis.exists("material:x") == 0
        fresh = await caching.generation(cache)
        assert await caching.store_if_unchanged(cache, fresh, "material:x", b"{}", 60)
        assert await redis.exists("material:x") == 1


class TestSearchCache:
    async def test_results_cached_and_invalidated_by_any_change(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        first = await client.get(MATERIALS, params={"q": "cotton"})
        keys = await search_keys(redis)
        assert len(keys) == 1
        assert 0 < await redis.ttl(keys[0]) <= 120
        await sneak_quantity(session, material, "3")
        again = await client.get(MATERIALS, params={"q": "cotton"})
        assert again.json() == first.json()  # from the cache
        generation = int(await redis.get(SEARCH_GENERATION_KEY) or 0)
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={"quantity": 9}, headers=auth_headers(seller)
        )
        assert response.status_code == 200
        assert int(await redis.get(SEARCH_GENERATION_KEY) or 0) == generation + 1
        after = await client.get(MATERIALS, params={"q": "cotton"})
        assert after.json()["materials"][0]["quantity"] == 9

    async def test_new_listing_shows_at_once(
        self, client: AsyncClient, redis: Redis, seller: User
    ) -> None:
        assert (await client.get(MATERIALS)).json()["total"] == 0
        created = await client.post(MATERIALS, json=listing(), headers=auth_headers(seller))
        assert created.status_code == 201
        assert (await client.get(MATERIALS)).json()["total"] == 1

    async def test_equivalent_queries_share_an_entry(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        await make_material(session, seller)
        await client.get(
            MATERIALS, params={"q": "  organic   cotton ", "material_type": ["wool", "cotton"]}
        )
        await client.get(
            MATERIALS, params={"q": "organic cotton", "material_type": ["cotton", "wool"]}
        )
        assert len(await search_keys(redis)) == 1


@pytest.fixture
async def redis_down_client(
    settings: Settings, migrated: str, connection: AsyncConnection, session: AsyncSession
) -> AsyncIterator[AsyncClient]:
    """A second app whose Redis is a closed port, sharing the test's transaction."""
    broken = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    other = create_app(broken)
    async with other.router.lifespan_context(other):
        other.state.sessionmaker = async_sessionmaker(
            bind=connection,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        transport = ASGITransport(app=other, client=("203.0.113.12", 50000))
        async with AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


class TestRedisDown:
    async def test_reads_and_writes_come_from_the_database(
        self, redis_down_client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        http = redis_down_client
        material = await make_material(session, seller)
        detail = await http.get(f"{MATERIALS}/{material.id}")
        assert detail.status_code == 200
        assert detail.json()["quantity"] == 100
        assert (await http.get(MATERIALS, params={"q": "cotton"})).json()["total"] == 1
        response = await http.put(
            f"{MATERIALS}/{material.id}", json={"quantity": 55}, headers=auth_headers(seller)
        )
        assert response.status_code == 200
        assert (await http.get(f"{MATERIALS}/{material.id}")).json()["quantity"] == 55
        created = await http.post(MATERIALS, json=listing(), headers=auth_headers(seller))
        assert created.status_code == 201
