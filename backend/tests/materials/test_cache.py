"""The listing caches, observed through Redis itself."""

import gzip
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Headers
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from starlette.types import Message

from fabricloop.app import create_app
from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.cache import PREFETCHED_SCOPE_KEY, Cache, Prefetched, prefetched
from fabricloop.core.db import run_after_commit
from fabricloop.core.prefetched import (
    KEPT_BODY_BYTES,
    Compression,
    PrefetchedResponseMiddleware,
    _kept_gzip,
    gzipped,
)
from fabricloop.materials import caching, listing_cache
from fabricloop.materials.listing_cache import (
    LISTINGS_WAL_KEY,
    SEARCH_GENERATION_KEY,
    SEARCH_STOCK_GENERATION_KEY,
    Generations,
    material_key,
    shows_key,
)
from fabricloop.materials.models import Material
from fabricloop.materials.router import detail_key_of
from tests.asserts import redis_bytes
from tests.factories import auth_headers, make_material, make_user
from tests.logs import entries
from tests.materials.conftest import MATERIALS, listing
from tests.transactions.helpers import buy


async def search_keys(redis: Redis) -> list[bytes]:
    """The cached search entries (`search:{sha256}`), without the counters and sets."""
    keys = [redis_bytes(k) for k in await redis.keys("search:*")]
    return [k for k in keys if re.fullmatch(rb"search:[0-9a-f]{64}", k)]


def unstamped(entry: bytes | str | None) -> bytes:
    """An entry as Redis holds it, without its cache epoch stamp (core.cache)."""
    assert entry is not None
    match = re.fullmatch(rb"e[0-9]+\n(.*)", redis_bytes(entry), re.DOTALL)
    assert match is not None, entry[:20]
    return match.group(1)


async def sneak_quantity(session: AsyncSession, material: Material, quantity: str) -> None:
    """Change the row behind the app's back (no invalidation), to tell cache from database."""
    await session.execute(
        update(Material).where(Material.id == material.id).values(quantity=Decimal(quantity))
    )
    await session.flush()


async def commands_during(redis: Redis, action: Callable[[], Awaitable[object]]) -> list[str]:
    """The Redis commands (as MONITOR prints them) sent to our database while `action` runs
    (MONITOR sees every database of the server, which other test runs may share)."""
    marker = f"end-of-{uuid.uuid4()}"
    database = redis.connection_pool.connection_kwargs.get("db", 0)
    commands: list[str] = []
    async with redis.monitor() as monitor:
        await action()
        await redis.echo(marker)
        while True:
            info = await monitor.next_command()
            if marker in info["command"]:
                return commands
            if int(info.get("db", 0)) != int(database):
                continue
            prefix = "lua " if info["client_type"] == "lua" else ""
            commands.append(prefix + info["command"])


class TestMaterialCache:
    async def test_cached_detail_costs_one_redis_command(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        url = f"{MATERIALS}/{material.id}"
        await client.get(url)
        key = material_key(material.id)
        responses = []

        async def read_twice() -> None:
            responses.append(await client.get(url))
            responses.append(await client.get(url.upper().replace("/API/MATERIALS", MATERIALS)))

        commands = await commands_during(redis, read_twice)
        assert [r.status_code for r in responses] == [200, 200]
        assert responses[0].content == responses[1].content == unstamped(await redis.get(key))
        ours = [c for c in commands if key in c or "rl:" in c]
        # Per request: the rate limiter's script, which counts and reads the listing at once.
        sent = [c for c in ours if not c.startswith("lua ")]
        assert len(sent) == 2
        assert all(c.startswith("EVALSHA") and key in c for c in sent)
        assert [c for c in ours if c.startswith("lua GET")] == [f"lua GET {key}"] * 2

    async def test_public_detail_is_cached(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        first = await client.get(f"{MATERIALS}/{material.id}")
        cached = unstamped(await redis.get(material_key(material.id)))
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

    @pytest.mark.usefixtures("redis")
    async def test_draft_after_update_is_not_served_from_cache(
        self, client: AsyncClient, session: AsyncSession, seller: User
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

    async def test_one_transaction_invalidates_once_per_kind_of_change(
        self, app: FastAPI, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        cache: Cache = app.state.cache
        edited, bought, both = [await make_material(session, seller) for _ in range(3)]
        for material in (edited, bought, both):
            await redis.set(material_key(material.id), b"{}")
        before = await listing_cache.generations(cache)
        caching.invalidate_after_commit(session, cache, [edited.id, both.id])
        caching.invalidate_after_commit(session, cache, [bought.id], stock_only=True)
        caching.invalidate_after_commit(session, cache, [both.id], stock_only=True)
        commands = await commands_during(redis, lambda: run_after_commit(session))
        # The invalidation scripts (MONITOR also sees other clients, e.g. a rate-limit count).
        scripts = [c for c in commands if c.startswith("EVALSHA") and "search:" in c]
        assert len(scripts) == 2  # one for the edited listings, one for the bought one
        assert material_key(bought.id) in scripts[1]
        assert material_key(both.id) not in scripts[1]  # covered by the first
        assert await listing_cache.generations(cache) == Generations(
            before.listings + 1, before.stock + 1, before.epoch
        )
        for material in (edited, bought, both):
            assert await redis.exists(material_key(material.id)) == 0

    @pytest.mark.usefixtures("session", "seller")
    async def test_read_racing_an_update_stores_nothing(self, app: FastAPI, redis: Redis) -> None:
        cache: Cache = app.state.cache
        seen = await listing_cache.generations(cache)
        await listing_cache.listings_changed(cache, [], None)
        stored = await listing_cache.store_if_unchanged(cache, seen, "material:x", b"{}", 60)
        assert stored is False
        assert await redis.exists("material:x") == 0
        fresh = await listing_cache.generations(cache)
        await listing_cache.listings_changed(
            cache, [], None, stock_only=True
        )  # a purchase elsewhere
        assert not await listing_cache.store_if_unchanged(cache, fresh, "material:x", b"{}", 60)
        fresh = await listing_cache.generations(cache)
        assert await listing_cache.store_if_unchanged(cache, fresh, "material:x", b"{}", 60)
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

    async def test_cached_search_costs_one_round_trip(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        misses = []

        async def miss() -> None:
            misses.append(await client.get(MATERIALS, params={"q": "cotton"}))

        commands = await commands_during(redis, miss)
        [first] = misses
        [key] = await search_keys(redis)
        # A miss: the read, then the store by its script's hash, which files the entry under
        # the listing it shows, then the store of the query's facets.
        sent = [c for c in commands if "search:" in c and not c.startswith("lua ")]
        assert [c.split()[0] for c in sent] == ["MGET", "EVALSHA", "EVALSHA"]
        assert key.decode() in sent[1]
        [facets] = [redis_bytes(k) for k in await redis.keys("search:facets:*")]
        assert facets.decode() in sent[2]
        assert await redis.smembers(shows_key(material.id)) == {key}
        generation = int(await redis.get(SEARCH_GENERATION_KEY) or 0)
        # The entry names the generation it was computed in, then the body it serves.
        assert unstamped(await redis.get(key)) == f"{generation}\n".encode() + first.content
        responses = []

        async def read() -> None:
            responses.append(await client.get(MATERIALS, params={"q": "cotton"}))

        commands = await commands_during(redis, read)
        assert responses[0].content == first.content
        ours = [c for c in commands if "search:" in c]
        assert ours == [
            f"MGET {SEARCH_GENERATION_KEY} {SEARCH_STOCK_GENERATION_KEY} {LISTINGS_WAL_KEY} "
            + f"{key.decode()} {facets.decode()}"
        ]
        # Another page of the same query reuses the facets: it stores its page only.
        commands = await commands_during(
            redis, lambda: client.get(MATERIALS, params={"q": "cotton", "page": 2})
        )
        sent = [c for c in commands if "search:" in c and not c.startswith("lua ")]
        assert [c.split()[0] for c in sent] == ["MGET", "EVALSHA"]

    async def test_entry_of_an_older_generation_is_not_served(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await client.get(MATERIALS, params={"q": "cotton"})
        [key] = await search_keys(redis)
        await sneak_quantity(session, material, "3")
        await redis.incr(SEARCH_GENERATION_KEY)  # what any change to a listing does
        after = await client.get(MATERIALS, params={"q": "cotton"})
        assert after.json()["materials"][0]["quantity"] == 3
        generation = int(await redis.get(SEARCH_GENERATION_KEY) or 0)
        # The same key, now holding the result of the current generation.
        assert await search_keys(redis) == [key]
        assert unstamped(await redis.get(key)) == f"{generation}\n".encode() + after.content

    @pytest.mark.usefixtures("redis")
    async def test_new_listing_shows_at_once(self, client: AsyncClient, seller: User) -> None:
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


LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


async def search(client: AsyncClient, **params: str | int | float) -> dict[str, object]:
    response = await client.get(MATERIALS, params=params)
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def quantities(body: dict[str, object]) -> dict[str, float]:
    return {m["title"]: m["quantity"] for m in body["materials"]}  # type: ignore[attr-defined]


async def newer_and_older(session: AsyncSession, seller: User, older_quantity: int) -> Material:
    """Two cotton listings; returns the older one, second when the newest come first."""
    await make_material(session, seller, title="Newer cotton", quantity=100)
    return await make_material(
        session, seller, title="Older cotton", quantity=older_quantity, created_at=LONG_AGO
    )


async def newest_first_page(client: AsyncClient, **params: str | int | float) -> dict[str, object]:
    return await search(client, q="cotton", limit=1, sort="newest", **params)


class TestSearchCacheAndPurchases:
    """A purchase that leaves a listing on sale changes its quantity only: it cannot change
    which listings a search without a quantity filter returns, or their order."""

    @pytest.fixture
    async def buyer(self, session: AsyncSession) -> User:
        return await make_user(session, role="brand", company_name="Loop Brand")

    async def test_searches_not_showing_the_listing_stay_cached(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User, buyer: User
    ) -> None:
        cotton = await make_material(session, seller, title="Cotton poplin", quantity=100)
        wool = await make_material(session, seller, title="Wool melton", quantity=100)
        await search(client, q="cotton")
        wool_page = await search(client, q="wool")
        entries_before = set(await search_keys(redis))
        await sneak_quantity(session, wool, "77")  # behind the cache's back: tells a hit
        await buy(client, auth_headers(buyer), cotton.id, 10)
        # The search showing the listing is gone; the other one is still served.
        assert len(set(await search_keys(redis)) & entries_before) == 1
        assert await search(client, q="wool") == wool_page
        assert quantities(await search(client, q="cotton")) == {"Cotton poplin": 90}

    @pytest.mark.usefixtures("redis")
    async def test_a_search_filtering_on_quantity_is_recomputed(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        older = await newer_and_older(session, seller, older_quantity=60)
        # Page 1 of one shows only the newer listing; the older one counts in the total.
        first = await newest_first_page(client, quantity=50)
        assert (first["total"], list(quantities(first))) == (2, ["Newer cotton"])
        await buy(client, auth_headers(buyer), older.id, 20)
        after = await newest_first_page(client, quantity=50)
        assert (after["total"], list(quantities(after))) == (1, ["Newer cotton"])

    @pytest.mark.usefixtures("redis")
    async def test_selling_out_retires_every_search(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        older = await newer_and_older(session, seller, older_quantity=5)
        assert (await newest_first_page(client))["total"] == 2
        await buy(client, auth_headers(buyer), older.id, 5)
        assert (await newest_first_page(client))["total"] == 1

    @pytest.mark.usefixtures("client")
    async def test_a_store_racing_a_purchase_is_dropped(
        self, app: FastAPI, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        cache: Cache = app.state.cache
        material = await make_material(session, seller, title="Cotton poplin")
        seen = await listing_cache.generations(cache)
        await listing_cache.listings_changed(cache, [material.id], None, stock_only=True)
        stored = await listing_cache.store_if_unchanged(
            cache, seen, "search:" + "0" * 64, b"0\n{}", 60, shows=[material.id]
        )
        assert stored is False
        assert await redis.exists("search:" + "0" * 64, shows_key(material.id)) == 0


@pytest.fixture
async def redis_down_client(
    settings: Settings,
    migrated: str,  # noqa: ARG001
    connection: AsyncConnection,
    session: AsyncSession,  # noqa: ARG001
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


class TestCachedDetailBeforeRouting:
    """A cache hit is answered before the router (core.prefetched), exactly like the route."""

    async def test_hit_answered_like_the_route(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        url = f"{MATERIALS}/{material.id}"
        built = await client.get(url)
        assert await redis.exists(material_key(material.id)) == 1
        await sneak_quantity(session, material, "7")
        served = await client.get(url)
        assert served.status_code == built.status_code == 200
        assert served.content == built.content
        assert served.json()["quantity"] == 100  # from the cache, not the database
        assert set(served.headers) == set(built.headers)
        for name in ("content-type", "content-length", "etag", "cache-control", "vary"):
            assert served.headers[name] == built.headers[name]
        assert served.headers["x-request-id"] != built.headers["x-request-id"]

    @pytest.mark.usefixtures("redis")
    async def test_hit_is_compressed_and_logged_under_its_route(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        log_file: Path,
    ) -> None:
        material = await make_material(
            session, seller, description="Undyed organic cotton jersey. " * 40
        )
        url = f"{MATERIALS}/{material.id}"
        await client.get(url)
        served = await client.get(url, headers={"Accept-Encoding": "gzip"})
        assert served.headers["content-encoding"] == "gzip"
        assert served.json()["material_id"] == str(material.id)
        [entry] = entries(log_file, served.headers["x-request-id"])
        assert entry["endpoint"] == "/api/materials/{material_id}"
        assert entry["status_code"] == 200

    @staticmethod
    async def raw_get(client: AsyncClient, url: str, **headers: str) -> tuple[Headers, bytes]:
        """The response's headers and its body as sent (not decompressed)."""
        async with client.stream("GET", url, headers=headers) as response:
            return response.headers, b"".join([chunk async for chunk in response.aiter_raw()])

    @pytest.mark.usefixtures("redis")
    async def test_gzip_hit_sent_as_the_route_compresses_it(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(
            session, seller, description="Undyed organic cotton jersey. " * 40
        )
        url = f"{MATERIALS}/{material.id}"
        built_headers, built = await self.raw_get(client, url, **{"Accept-Encoding": "gzip"})
        await sneak_quantity(session, material, "7")
        reused = _kept_gzip.cache_info().hits
        for _ in range(2):  # compressed, then from the process's compressed bodies
            served_headers, served = await self.raw_get(
                client, url, **{"Accept-Encoding": "gzip, deflate, br"}
            )
            assert served == built
            assert gzip.decompress(served).startswith(b'{"material_id"')
            assert set(served_headers) == set(built_headers)
            for name in (
                "content-type",
                "content-length",
                "content-encoding",
                "vary",
                "etag",
                "cache-control",
            ):
                assert served_headers[name] == built_headers[name]
        assert orjson.loads(gzip.decompress(served))["quantity"] == 100  # the cached body
        assert _kept_gzip.cache_info().hits == reused + 1

    @pytest.mark.usefixtures("redis")
    async def test_hit_compressed_only_when_asked(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        large = await make_material(session, seller, description="Organic jersey. " * 80)
        url = f"{MATERIALS}/{large.id}"
        built_headers, built = await self.raw_get(client, url, **{"Accept-Encoding": "identity"})
        assert "content-encoding" not in built_headers
        await sneak_quantity(session, large, "7")
        for accept in ("identity", "br, deflate"):
            headers, body = await self.raw_get(client, url, **{"Accept-Encoding": accept})
            assert body == built
            assert set(headers) == set(built_headers)
            for name in ("content-type", "content-length", "vary", "etag", "cache-control"):
                assert headers[name] == built_headers[name]
        request = client.build_request("GET", url)
        del request.headers["accept-encoding"]  # none at all
        response = await client.send(request)
        assert "accept-encoding" not in response.request.headers
        assert "content-encoding" not in response.headers
        assert response.content == built

    @pytest.mark.usefixtures("redis")
    async def test_hit_revalidated_as_the_route_revalidates(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        url = f"{MATERIALS}/{material.id}"
        etag = (await client.get(url)).headers["etag"]
        await redis.delete(material_key(material.id))
        by_route = await client.get(url, headers={"If-None-Match": etag})  # a miss: the route
        assert await redis.exists(material_key(material.id)) == 1
        for if_none_match in (etag, f'"other", {etag.removeprefix("W/")}', "*"):
            hit = await client.get(url, headers={"If-None-Match": if_none_match})
            assert hit.status_code == by_route.status_code == 304
            assert hit.content == by_route.content == b""
            assert set(hit.headers) == set(by_route.headers)
            for name in ("etag", "cache-control", "vary", "content-encoding"):
                assert hit.headers.get(name) == by_route.headers.get(name)
        stale = await client.get(url, headers={"If-None-Match": 'W/"0"'})
        assert stale.status_code == 200
        assert stale.headers["etag"] == etag

    @pytest.mark.usefixtures("redis")
    async def test_hit_for_a_signed_in_user_is_private(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, seller: User
    ) -> None:
        material = await make_material(session, seller)
        buyer = await make_user(session, role="brand")
        url = f"{MATERIALS}/{material.id}"
        signed_in = auth_headers(buyer)
        built = await client.get(url, headers=signed_in)
        assert await redis.exists(material_key(material.id)) == 1
        served = await client.get(url, headers=signed_in)
        assert served.headers["cache-control"] == built.headers["cache-control"]
        assert served.headers["cache-control"] == "private, no-cache"
        assert (await client.get(url)).headers["cache-control"] == "public, no-cache"

    @pytest.mark.usefixtures("redis")
    async def test_head_of_a_cached_listing_as_its_get(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        url = f"{MATERIALS}/{material.id}"
        await client.get(url)
        get = await client.get(url)
        head = await client.head(url)
        assert head.status_code == 200
        assert head.content == b""
        for name in ("etag", "cache-control", "content-length", "content-type", "vary"):
            assert head.headers.get(name) == get.headers.get(name)

    @pytest.mark.usefixtures("redis")
    async def test_id_the_route_refuses_is_not_served_from_cache(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await client.get(f"{MATERIALS}/{material.id}")
        hex_id = material.id.hex
        odd = f"{hex_id[:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"  # uuid.UUID takes it
        response = await client.get(f"{MATERIALS}/{odd}")
        assert response.status_code == 404
        assert (await client.get(f"{MATERIALS}/{hex_id}")).status_code == 200


class TestCompression:
    """When a cached hit goes out compressed: as the app's GZipMiddleware decides."""

    @staticmethod
    async def answer(value: bytes, *headers: tuple[bytes, bytes]) -> list[Message]:
        """What the layer sends for a hit of `value` (it answers without calling the app)."""
        scope = {
            "type": "http",
            "method": "GET",
            "path": f"{MATERIALS}/{uuid.uuid4()}",
            "headers": list(headers),
            PREFETCHED_SCOPE_KEY: Prefetched("material:x", value),
        }
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        layer = PrefetchedResponseMiddleware(
            None,  # type: ignore[arg-type]
            endpoint="/api/materials/{material_id}",
            compression=Compression(minimum_size=500, level=9),
        )
        await layer(scope, None, send)  # type: ignore[arg-type]
        return sent

    def test_asked_as_the_middleware_reads_it(self) -> None:
        for value, asked in [(b"deflate, gzip;q=0.8", True), (b"gzip", True), (b"br", False)]:
            scope = {"headers": [(b"host", b"x"), (b"accept-encoding", value)]}
            assert Compression.asked(scope) is asked
        assert not Compression.asked({"headers": [(b"host", b"x")]})

    async def test_small_body_neither_compressed_nor_varied(self) -> None:
        start, body = await self.answer(b"x" * 499, (b"accept-encoding", b"gzip"))
        headers = dict(start["headers"])
        assert b"vary" not in headers
        assert b"content-encoding" not in headers
        assert headers[b"content-length"] == b"499"
        assert body["body"] == b"x" * 499

    async def test_large_body_varied_and_compressed_when_asked(self) -> None:
        start, body = await self.answer(b"x" * 500, (b"accept-encoding", b"gzip"))
        headers = dict(start["headers"])
        assert headers[b"vary"] == b"Accept-Encoding"
        assert headers[b"content-encoding"] == b"gzip"
        assert gzip.decompress(body["body"]) == b"x" * 500
        assert headers[b"content-length"] == str(len(body["body"])).encode()
        start, body = await self.answer(b"x" * 500, (b"accept-encoding", b"br"))
        assert dict(start["headers"])[b"vary"] == b"Accept-Encoding"
        assert b"content-encoding" not in dict(start["headers"])
        assert body["body"] == b"x" * 500

    def test_bytes_as_the_middleware_writes_them(self) -> None:
        body = orjson.dumps({"description": "Undyed organic cotton jersey. " * 40})
        assert gzip.decompress(gzipped(body, 9)) == body
        assert gzipped(body, 9) == gzipped(bytes(bytearray(body)), 9)
        assert gzipped(body, 9) != gzipped(body, 1)

    def test_only_bodies_up_to_the_limit_are_kept(self) -> None:
        _kept_gzip.cache_clear()
        small = b'{"description": "' + b"jersey " * 100 + b'"}'
        large = b'{"description": "' + "é ".encode() * KEPT_BODY_BYTES + b'"}'
        for body in (small, large, small, large):
            assert gzip.decompress(gzipped(body, 9)) == body
        info = _kept_gzip.cache_info()
        assert (info.currsize, info.hits) == (1, 1)  # the small one, kept and reused


class TestDetailKeyOf:
    """Which requests the rate limiter reads a cached listing for, on its way in."""

    @staticmethod
    def scope(method: str, path: str) -> dict[str, object]:
        return {"type": "http", "method": method, "path": path}

    def test_detail_read_by_any_spelling_of_its_id(self) -> None:
        material_id = uuid.uuid4()
        for spelling in (str(material_id), str(material_id).upper(), material_id.hex):
            scope = self.scope("GET", f"{MATERIALS}/{spelling}")
            assert detail_key_of(scope) == material_key(material_id)

    def test_nothing_for_other_requests(self) -> None:
        material_id = uuid.uuid4()
        for method, path in [
            ("PUT", f"{MATERIALS}/{material_id}"),
            ("DELETE", f"{MATERIALS}/{material_id}"),
            ("GET", f"{MATERIALS}/types"),
            ("GET", MATERIALS),
            ("GET", f"{MATERIALS}/"),
            ("GET", f"{MATERIALS}/{material_id}/passport"),
            ("GET", f"{MATERIALS}/{material_id}' OR 1=1--"),
            ("GET", f"/api/passports/{material_id}"),
        ]:
            assert detail_key_of(self.scope(method, path)) is None, (method, path)

    def test_prefetched_only_for_the_same_key(self) -> None:
        key = material_key(uuid.uuid4())
        scope: dict[str, object] = {PREFETCHED_SCOPE_KEY: Prefetched(key, b"{}")}
        assert prefetched(scope, key) == Prefetched(key, b"{}")
        assert prefetched(scope, material_key(uuid.uuid4())) is None
        assert prefetched({}, key) is None
