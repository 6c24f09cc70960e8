"""Failed logins slow down an account and IP pair, with a higher ceiling per account, so that
nobody can lock an account's owner out from elsewhere; registrations are limited per IP."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.config import Settings
from tests.core.apps import client_for, running
from tests.factories import DEFAULT_PASSWORD, auth_headers, make_user

LOGIN = "/api/auth/login"
ATTACKER = ("198.18.7.7", 1)
OWNER = ("192.0.2.80", 1)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def user(committed: async_sessionmaker[AsyncSession]) -> User:
    async with committed() as session:
        user = await make_user(session)
        await session.commit()
    return user


@pytest.fixture
async def throttled(settings: Settings, migrated: str) -> AsyncIterator[FastAPI]:  # noqa: ARG001
    """An app whose per-account ceiling is 4 failures in 15 minutes, on a clock of the test."""
    async with running(settings, login_max_failures=3, login_account_max_failures=4) as (
        application,
        _,
    ):
        await application.state.redis.flushdb()
        application.state.limiter.clock = Clock()
        yield application


async def attempt(app: FastAPI, peer: tuple[str, int], email: str, password: str) -> Response:
    async with client_for(app, peer) as http:
        return await http.post(LOGIN, json={"email": email, "password": password})


def advance(app: FastAPI, seconds: float) -> None:
    app.state.limiter.clock.now += seconds


def assert_throttled(response: Response, at_most: int) -> None:
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["retry-after"]) <= at_most


class TestLoginThrottling:
    async def test_failures_from_one_ip_leave_the_owner_alone(
        self, throttled: FastAPI, user: User
    ) -> None:
        for _ in range(3):
            assert (await attempt(throttled, ATTACKER, user.email, "Wrong1234")).status_code == 401
        # That pair must wait, even with the right password ...
        assert_throttled(await attempt(throttled, ATTACKER, user.email, DEFAULT_PASSWORD), 300)
        # ... the owner, elsewhere, logs in.
        assert (await attempt(throttled, OWNER, user.email, DEFAULT_PASSWORD)).status_code == 200

    async def test_the_pair_slows_down_rather_than_locks(
        self, throttled: FastAPI, user: User
    ) -> None:
        for _ in range(3):
            await attempt(throttled, ATTACKER, user.email, "Wrong1234")
        assert_throttled(await attempt(throttled, ATTACKER, user.email, "Wrong1234"), 300)
        advance(throttled, 300)  # a third of the window: one failure's worth refilled
        assert (await attempt(throttled, ATTACKER, user.email, "Wrong1234")).status_code == 401
        assert_throttled(await attempt(throttled, ATTACKER, user.email, "Wrong1234"), 300)
        advance(throttled, 300)
        assert (await attempt(throttled, ATTACKER, user.email, DEFAULT_PASSWORD)).status_code == 200

    async def test_per_account_ceiling_across_ips(self, throttled: FastAPI, user: User) -> None:
        for i in range(4):
            peer = (f"198.18.8.{i}", 1)
            assert (await attempt(throttled, peer, user.email, "Wrong1234")).status_code == 401
        # Four addresses used up the account's ceiling: everyone waits a little ...
        assert_throttled(await attempt(throttled, OWNER, user.email, DEFAULT_PASSWORD), 225)
        # ... a quarter of the window, then the next attempt goes through.
        advance(throttled, 225)
        assert (await attempt(throttled, OWNER, user.email, DEFAULT_PASSWORD)).status_code == 200

    async def test_unknown_accounts_are_throttled_alike(self, throttled: FastAPI) -> None:
        for _ in range(3):
            await attempt(throttled, ATTACKER, "nobody@example.com", "Wrong1234")
        assert_throttled(await attempt(throttled, ATTACKER, "NOBODY@example.com", "Wrong1234"), 300)

    async def test_successes_cost_nothing(self, throttled: FastAPI, user: User) -> None:
        for _ in range(6):
            assert (
                await attempt(throttled, OWNER, user.email, DEFAULT_PASSWORD)
            ).status_code == 200

    async def test_wrong_current_password_at_a_change_counts(
        self, throttled: FastAPI, user: User
    ) -> None:
        """A stolen access token cannot be used to guess the password at a password change."""

        async def change(current: str) -> Response:
            async with client_for(throttled, ATTACKER) as http:
                return await http.put(
                    "/api/auth/password",
                    json={"current_password": current, "new_password": "Another-Passw0rd"},
                    headers=auth_headers(user),
                )

        for _ in range(3):
            assert (await change("Wrong1234")).status_code == 422
        assert_throttled(await change(DEFAULT_PASSWORD), 300)
        assert_throttled(await attempt(throttled, ATTACKER, user.email, DEFAULT_PASSWORD), 300)
        assert (await attempt(throttled, OWNER, user.email, DEFAULT_PASSWORD)).status_code == 200


def registration(n: int) -> dict[str, Any]:
    return {
        "email": f"throttle-{n}@example.com",
        "password": "Sup3rSecret",
        "company_name": "Loop Textiles",
        "role": "brand",
    }


class TestRegistrationLimit:
    @pytest.mark.usefixtures("migrated", "committed")
    async def test_per_ip(self, settings: Settings) -> None:
        async with running(settings, register_max_per_ip=2) as (app, _):
            await app.state.redis.flushdb()
            async with client_for(app, ATTACKER) as http:
                codes = [
                    (await http.post("/api/auth/register", json=registration(n))).status_code
                    for n in range(2)
                ]
                # The same address once more: refused before the email is even looked at.
                taken = await http.post("/api/auth/register", json=registration(0))
                fresh = await http.post("/api/auth/register", json=registration(9))
            assert codes == [201, 201]
            for response in (taken, fresh):
                assert_throttled(response, 1800)
            async with client_for(app, OWNER) as http:
                response = await http.post("/api/auth/register", json=registration(0))
            assert response.status_code == 409
            assert response.json()["error"]["code"] == "email_taken"
