"""Redis commands of one turn of the event loop sent as one pipeline (core.redis.AutoPipeline),
against the real Redis: each caller's own reply or error, one write for the turn, and what
the rate limiter and the cache make of it."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import orjson
import pytest
from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.events import CHANNEL, Event, publish
from fabricloop.core.limiter import _TAKE as TAKE_SCRIPT
from fabricloop.core.limiter import Limiter, Rate
from fabricloop.core.redis import AutoPipeline, create_redis
from tests.asserts import redis_bytes
from tests.core.apps import DOWN_REDIS, client_for, running


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The writes to Redis' sockets (redis-py's own sender), each as the number of commands
    it carried."""
    sent: list[int] = []
    original = AbstractConnection.send_packed_command

    async def counting(
        self: AbstractConnection, command: object, check_health: bool = True
    ) -> None:
        packed = command if isinstance(command, bytes) else b"".join(command)  # type: ignore[arg-type]
        # Each command is a RESP array: "*<count>\r\n" at its start.
        sent.append(int(packed.startswith(b"*")) + packed.count(b"\r\n*"))
        await original(self, command, check_health)  # type: ignore[arg-type]

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return sent


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Redis]:
    assert settings.redis_url is not None
    redis = create_redis(settings.redis_url)
    await redis.delete("ap:a", "ap:b", "ap:n", "ap:s", "ap:cancelled")
    await redis.ping()  # the connection made, so the tests count only their own writes
    try:
        yield redis
    finally:
        await redis.delete("ap:a", "ap:b", "ap:n", "ap:s", "ap:cancelled")
        await redis.aclose()


class TestAutoPipeline:
    async def test_one_turns_commands_go_in_one_write(
        self, client: Redis, writes: list[int]
    ) -> None:
        batch = AutoPipeline(client)
        replies = await asyncio.gather(
            batch.execute("SET", "ap:a", "ünï"),
            batch.execute("INCRBY", "ap:n", 5),
            batch.execute("GET", "ap:a"),
            batch.execute("INCRBY", "ap:n", 2),
            batch.execute("GET", "ap:missing"),
        )
        assert list(replies) == [True, 5, "ünï".encode(), 7, None]
        assert writes == [5]
        assert (batch.round_trips, batch.commands) == (1, 5)

    async def test_later_turns_make_their_own_round_trips(
        self, client: Redis, writes: list[int]
    ) -> None:
        batch = AutoPipeline(client)
        assert await batch.execute("SET", "ap:a", "1") is True
        assert await asyncio.gather(*(batch.execute("INCR", "ap:a") for _ in range(3))) == [2, 3, 4]
        assert writes == [1, 3]
        assert (batch.round_trips, batch.commands) == (2, 4)

    async def test_a_commands_error_is_its_own(self, client: Redis) -> None:
        batch = AutoPipeline(client)
        await client.set("ap:s", "text")
        results = await asyncio.gather(
            batch.execute("INCR", "ap:n"),
            batch.execute("INCR", "ap:s"),  # not an integer
            batch.execute("GET", "ap:s"),
            return_exceptions=True,
        )
        assert results[0] == 1
        assert isinstance(results[1], ResponseError)
        assert results[2] == b"text"

    async def test_a_lone_commands_error_is_its_own(self, client: Redis) -> None:
        batch = AutoPipeline(client)
        await client.set("ap:s", "text")
        with pytest.raises(ResponseError):
            await batch.execute("INCR", "ap:s")
        assert await batch.execute("GET", "ap:s") == b"text"

    async def test_a_dead_server_fails_every_command_of_the_batch(self) -> None:
        redis = create_redis(DOWN_REDIS)
        batch = AutoPipeline(redis)
        try:
            results = await asyncio.gather(
                batch.execute("GET", "x"), batch.execute("GET", "y"), return_exceptions=True
            )
        finally:
            await redis.aclose()
        assert [type(r) for r in results] == [RedisConnectionError, RedisConnectionError]
        assert batch.round_trips == 1

    async def test_a_caller_gone_before_its_turn_is_not_sent(
        self, client: Redis, writes: list[int]
    ) -> None:
        batch = AutoPipeline(client)
        gone = batch.execute("SET", "ap:cancelled", "1")
        kept = batch.execute("INCR", "ap:n")
        gone.cancel()
        assert await kept == 1
        assert writes == [1]
        assert batch.commands == 1
        assert await client.exists("ap:cancelled") == 0


# A script of the test's own: sets KEYS[1] to ARGV[1] and answers the value it replaced.
SWAP = "local old = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[1], ARGV[1]); return old"


class TestScriptsAndEvents:
    async def test_a_script_rides_in_the_turns_batch(
        self, client: Redis, writes: list[int]
    ) -> None:
        cache = Cache(client)
        await client.script_load(SWAP)  # as after the script's first run
        await client.set("ap:a", "before")
        await client.set("ap:b", "ünï")
        writes.clear()
        replies = await asyncio.gather(
            cache.run_script(SWAP, keys=("ap:a",), args=("after",)),
            cache.run_script(SWAP, keys=("ap:b",), args=("b",)),
            cache.get_raw("ap:s"),
        )
        assert list(replies) == [b"before", "ünï".encode(), None]
        assert writes == [3]
        assert await client.mget("ap:a", "ap:b") == [b"after", b"b"]
        assert cache.batch.round_trips == 1

    async def test_a_script_redis_lost_is_loaded_again(self, client: Redis) -> None:
        cache = Cache(client)
        await client.script_flush()
        await client.set("ap:a", "before")
        assert await cache.run_script(SWAP, keys=("ap:a",), args=("after",)) == b"before"
        assert await client.get("ap:a") == b"after"
        # Loaded again: the next run is one EVALSHA in the batch.
        assert await cache.run_script(SWAP, keys=("ap:a",), args=("last",)) == b"after"
        assert (cache.batch.round_trips, cache.batch.commands) == (2, 2)

    async def test_a_scripts_error_is_its_own(self, client: Redis) -> None:
        cache = Cache(client)
        await client.script_load(SWAP)
        await client.hset("ap:s", "field", "1")  # GET of a hash: WRONGTYPE
        results = await asyncio.gather(
            cache.run_script(SWAP, keys=("ap:s",), args=("x",)),
            cache.batch.execute("INCR", "ap:n"),
            return_exceptions=True,
        )
        assert isinstance(results[0], ResponseError)
        assert results[1] == 1

    async def test_events_are_published_in_order_in_the_turns_batch(
        self, client: Redis, writes: list[int]
    ) -> None:
        batch = AutoPipeline(client)
        pubsub = client.pubsub()
        await pubsub.subscribe(CHANNEL)  # on a connection of its own
        try:
            await batch.execute("PING")  # a connection for the batch made, as in a process
            writes.clear()
            first, second = Event(uuid.uuid4(), "a", {"n": 1}), Event(uuid.uuid4(), "b", {})

            async def count() -> int:  # another request's command, in the same turn
                return int(await batch.execute("INCR", "ap:n"))

            await asyncio.gather(publish(batch, [first, second]), count())
            assert writes == [3]
            received: list[str] = []
            deadline = time.monotonic() + 10
            while len(received) < 2 and time.monotonic() < deadline:
                message = await pubsub.get_message(timeout=1)
                if message is not None and message["type"] == "message":
                    received.append(orjson.loads(message["data"])["name"])
            assert received == ["a", "b"]
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def test_a_failed_publish_raises(self) -> None:
        redis = create_redis(DOWN_REDIS)
        try:
            with pytest.raises(RedisConnectionError):
                await publish(AutoPipeline(redis), [Event(uuid.uuid4(), "a", {})])
        finally:
            await redis.aclose()


STALL_MS = 1500


@pytest.fixture
async def limiter(client: Redis) -> AsyncIterator[Limiter]:
    cache = Cache(client)
    cache.epoch = 1
    limiter = Limiter(cache)
    await client.delete("rl:ap:one", "ap:cached")
    await client.script_load(TAKE_SCRIPT)  # as after any earlier take: EVALSHA finds it
    yield limiter
    await client.delete("rl:ap:one", "ap:cached")


class TestLimiterThroughTheBatch:
    async def test_concurrent_takes_share_a_round_trip_and_count_exactly(
        self, limiter: Limiter, client: Redis
    ) -> None:
        rate = Rate(5, 60)
        decisions = await asyncio.gather(*(limiter.take("ap:one", rate) for _ in range(8)))
        assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
        assert limiter.cache.batch.round_trips == 1
        tokens = float(redis_bytes(await client.hget("rl:ap:one", "tokens")))
        assert 0 <= tokens < 1

    async def test_the_read_rides_along(self, limiter: Limiter, client: Redis) -> None:
        await client.set("ap:cached", limiter.cache.stamp(1, b'{"x": 1}'))
        decision = await limiter.take("ap:one", Rate(5, 60), read="ap:cached")
        assert decision.prefetched is not None
        assert decision.prefetched.value == b'{"x": 1}'

    async def test_scripts_flushed_from_redis_are_loaded_again(
        self, limiter: Limiter, client: Redis
    ) -> None:
        await client.script_flush()
        decision = await limiter.take("ap:one", Rate(5, 60))
        assert decision.allowed
        # Counted in Redis, not in the process's own buckets: Redis was not taken for down.
        assert limiter.cache.available
        assert float(redis_bytes(await client.hget("rl:ap:one", "tokens"))) == pytest.approx(
            4, abs=0.01
        )

    async def test_a_stalled_redis_fails_the_batch_and_the_limiter_goes_local(
        self, limiter: Limiter, settings: Settings
    ) -> None:
        rate = Rate(5, 60)
        assert (await limiter.take("ap:one", rate)).allowed  # a connection made, 4 left
        pauser = create_redis(str(settings.redis_url))
        try:
            # Redis itself stops answering every client for 1.5 s: a stall, not a refusal.
            await pauser.execute_command("CLIENT", "PAUSE", STALL_MS, "ALL")  # type: ignore[no-untyped-call]
            stalled = time.monotonic()
            takes = asyncio.gather(*(limiter.take("ap:one", rate) for _ in range(3)))
            decisions = await asyncio.wait_for(takes, 10)  # none left waiting for ever
            # Each caller degraded after the socket's timeout, in one failed round trip: the
            # process's own bucket (full) answered.
            assert [d.allowed for d in decisions] == [True] * 3
            assert not limiter.cache.available
            assert limiter.cache.batch.round_trips == 2
            await asyncio.sleep(max(0.0, STALL_MS / 1000 + 0.1 - (time.monotonic() - stalled)))
        finally:
            await pauser.aclose()
        # Redis answers again: the batch reconnects.
        assert await limiter.cache.batch.execute("PING") is True

    async def test_the_cache_reads_through_the_batch(self, limiter: Limiter, client: Redis) -> None:
        cache = limiter.cache
        await client.set("ap:cached", cache.stamp(1, b"body"))
        entries = await asyncio.gather(cache.get_entry("ap:cached"), cache.get_entry("ap:nil"))
        assert list(entries) == [b"body", None]
        assert cache.batch.round_trips == 1


@pytest.mark.usefixtures("migrated")
async def test_concurrent_requests_of_the_app_are_limited_exactly(settings: Settings) -> None:
    async with running(settings, rate_limit_per_minute=5) as (app, _):
        await app.state.redis.flushdb()
        batch: AutoPipeline = app.state.cache.batch
        before = batch.round_trips
        async with client_for(app, ("192.0.2.80", 1)) as http:
            responses = await asyncio.gather(*(http.get("/api/nothing") for _ in range(12)))
        assert sorted(r.status_code for r in responses) == [404] * 5 + [429] * 7
        assert batch.round_trips - before < 12
