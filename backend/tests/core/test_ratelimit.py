"""The per-IP limit on /api: a token bucket in Redis (per process while Redis is down), with
X-Forwarded-For from trusted proxies only."""

import time
import uuid
from collections.abc import AsyncIterator
from ipaddress import ip_network

import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from fabricloop.auth import tokens
from fabricloop.config import Settings
from tests.asserts import redis_bytes
from tests.core.apps import client_for, running
from tests.factories import TEST_SECRET

LIMIT = 5
PROXY = ("10.1.2.3", 5000)


@pytest.fixture
async def limited(settings: Settings, migrated: str) -> AsyncIterator[FastAPI]:  # noqa: ARG001
    async with running(
        settings, rate_limit_per_minute=LIMIT, trusted_proxies=[ip_network("10.0.0.0/8")]
    ) as (app, _):
        await app.state.redis.flushdb()
        yield app


async def statuses(app: FastAPI, peer: tuple[str, int], count: int, **headers: str) -> list[int]:
    async with client_for(app, peer) as http:
        return [(await http.get("/api/nothing", headers=headers)).status_code for _ in range(count)]


class TestRateLimit:
    async def test_sixth_request_is_429(self, limited: FastAPI) -> None:
        assert await statuses(limited, ("192.0.2.1", 1), LIMIT) == [404] * LIMIT
        async with client_for(limited, ("192.0.2.1", 2)) as http:
            response = await http.get("/api/auth/me")
        assert response.status_code == 429
        body = response.json()
        assert body["error"]["code"] == "rate_limited"
        assert body["error"]["request_id"] == response.headers["x-request-id"]
        # One request's worth refills in a fifth of a minute.
        assert 1 <= int(response.headers["retry-after"]) <= 12
        assert response.headers["x-content-type-options"] == "nosniff"

    async def test_other_ip_unaffected(self, limited: FastAPI) -> None:
        assert (await statuses(limited, ("192.0.2.1", 1), LIMIT + 1))[-1] == 429
        assert await statuses(limited, ("192.0.2.2", 1), LIMIT) == [404] * LIMIT

    async def test_counted_in_redis(self, limited: FastAPI) -> None:
        started = time.monotonic()
        await statuses(limited, ("192.0.2.9", 1), 3)
        refilled = (time.monotonic() - started) * LIMIT / 60  # at most, while they ran
        redis: Redis = limited.state.redis
        keys = [redis_bytes(k).decode() async for k in redis.scan_iter("rl:ip:192.0.2.9")]
        assert len(keys) == 1
        tokens = float(redis_bytes(await redis.hget(keys[0], "tokens")))
        assert LIMIT - 3 <= tokens <= LIMIT - 3 + refilled
        assert 0 < await redis.ttl(keys[0]) <= 61

    async def test_health_and_spa_not_limited(self, limited: FastAPI) -> None:
        async with client_for(limited, ("192.0.2.3", 1)) as http:
            codes = [(await http.get("/health")).status_code for _ in range(LIMIT + 3)]
            codes += [(await http.get("/materials/x")).status_code for _ in range(LIMIT + 3)]
        assert 429 not in codes

    async def test_forwarded_for_ignored_from_untrusted_peer(self, limited: FastAPI) -> None:
        peer = ("203.0.113.77", 1)
        codes = [
            (await statuses(limited, peer, 1, **{"X-Forwarded-For": f"198.18.0.{i}"}))[0]
            for i in range(LIMIT + 1)
        ]
        assert codes == [404] * LIMIT + [429]

    async def test_forwarded_for_honoured_from_trusted_proxy(self, limited: FastAPI) -> None:
        first = await statuses(limited, PROXY, LIMIT + 1, **{"X-Forwarded-For": "198.18.1.1"})
        assert first == [404] * LIMIT + [429]
        # Another client behind the same proxy has its own count.
        second = await statuses(limited, PROXY, LIMIT, **{"X-Forwarded-For": "198.18.1.2"})
        assert second == [404] * LIMIT

    async def test_spoofed_hop_before_the_proxy_chain(self, limited: FastAPI) -> None:
        # The client prepends a fake address; the proxy appends the real one.
        headers = {"X-Forwarded-For": "1.2.3.4, 198.18.2.2"}
        assert (await statuses(limited, PROXY, LIMIT + 1, **headers))[-1] == 429
        # The same real client with another fake prefix is still the same client.
        headers = {"X-Forwarded-For": "5.6.7.8, 198.18.2.2"}
        assert await statuses(limited, PROXY, 1, **headers) == [429]

    async def test_no_double_burst_across_a_minute_boundary(self, limited: FastAPI) -> None:
        now = [119.9]  # the last tenth of a second of a minute
        limited.state.limiter.clock = lambda: now[0]
        peer = ("192.0.2.60", 1)
        assert await statuses(limited, peer, LIMIT) == [404] * LIMIT
        now[0] = 120.1  # the next minute: a fixed window would let LIMIT more through
        assert await statuses(limited, peer, LIMIT) == [429] * LIMIT
        now[0] = 120.1 + 60 / LIMIT  # a fifth of a minute later: one request's worth
        assert await statuses(limited, peer, 2) == [404, 429]
        now[0] += 3600  # an idle hour refills the bucket, never beyond LIMIT
        assert await statuses(limited, peer, LIMIT + 1) == [404] * LIMIT + [429]

    @pytest.mark.usefixtures("migrated")
    async def test_limits_per_process_while_redis_is_down(self, settings: Settings) -> None:
        async with running(settings, rate_limit_per_minute=2, redis_url="redis://127.0.0.1:1") as (
            app,
            _,
        ):
            codes = await statuses(app, ("192.0.2.50", 1), 6)
            other = await statuses(app, ("192.0.2.51", 1), 2)
        assert codes == [404] * 2 + [429] * 4
        assert other == [404] * 2


def bearer_for(user_id: uuid.UUID) -> dict[str, str]:
    token, _ = tokens.issue(TEST_SECRET, user_id, "access", 3600)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def per_user(settings: Settings, migrated: str) -> AsyncIterator[FastAPI]:  # noqa: ARG001
    async with running(
        settings, rate_limit_per_minute=LIMIT, rate_limit_per_user_per_minute=2 * LIMIT
    ) as (app, _):
        await app.state.redis.flushdb()
        yield app


class TestPerUserLimit:
    async def test_signed_in_users_behind_one_address_have_their_own_buckets(
        self, per_user: FastAPI
    ) -> None:
        peer = ("192.0.2.70", 1)
        first, second = uuid.uuid4(), uuid.uuid4()
        assert await statuses(per_user, peer, 2 * LIMIT, **bearer_for(first)) == [404] * (2 * LIMIT)
        assert (await statuses(per_user, peer, 1, **bearer_for(first))) == [429]
        # Another user, and anonymous traffic, from the same address are not affected.
        assert await statuses(per_user, peer, 2 * LIMIT, **bearer_for(second)) == [404] * (
            2 * LIMIT
        )
        assert await statuses(per_user, peer, LIMIT) == [404] * LIMIT

    async def test_a_user_is_limited_across_addresses(self, per_user: FastAPI) -> None:
        user = uuid.uuid4()
        codes = [
            (await statuses(per_user, (f"192.0.2.{i}", 1), 1, **bearer_for(user)))[0]
            for i in range(100, 100 + 2 * LIMIT + 1)
        ]
        assert codes == [404] * (2 * LIMIT) + [429]

    @pytest.mark.parametrize(
        "authorization",
        [
            "Bearer not-a-token",
            "Basic dXNlcjpwYXNz",
            "Bearer " + tokens.issue("another-secret-" + "y" * 40, uuid.uuid4(), "access", 60)[0],
            "Bearer " + tokens.issue(TEST_SECRET, uuid.uuid4(), "refresh", 60)[0],
        ],
    )
    async def test_invalid_tokens_count_against_the_address(
        self, per_user: FastAPI, authorization: str
    ) -> None:
        peer = ("192.0.2.71", 1)
        codes = await statuses(per_user, peer, LIMIT + 1, Authorization=authorization)
        assert codes[-1] == 429

    async def test_anonymous_browsing_cannot_refuse_a_sign_in(self, per_user: FastAPI) -> None:
        peer = ("192.0.2.72", 1)
        assert (await statuses(per_user, peer, LIMIT + 1))[-1] == 429
        async with client_for(per_user, peer) as http:
            login = await http.post(
                "/api/auth/login", json={"email": "nobody@example.com", "password": "Wrong1234"}
            )
        assert login.status_code == 401  # answered, not refused with 429

    @pytest.mark.usefixtures("migrated")
    async def test_the_user_limit_is_never_below_the_address_limit(
        self, settings: Settings
    ) -> None:
        async with running(
            settings, rate_limit_per_minute=LIMIT, rate_limit_per_user_per_minute=1
        ) as (app, _):
            await app.state.redis.flushdb()
            codes = await statuses(app, ("192.0.2.73", 1), LIMIT + 1, **bearer_for(uuid.uuid4()))
        assert codes == [404] * LIMIT + [429]
