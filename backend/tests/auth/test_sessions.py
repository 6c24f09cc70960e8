"""An access token works while its login does: logout ends it at once, and ending every
session of an account (password change, suspension, deletion) ends them all."""

import uuid

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth import service as auth_service
from fabricloop.auth import tokens
from tests.auth.helpers import bearer, log_in
from tests.factories import TEST_SECRET, make_user

ME = "/api/auth/me"


class TestAccessTokenLifetime:
    async def test_logout_ends_the_access_token_at_once(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        pair = await log_in(client, user)
        other_device = await log_in(client, user)
        assert (await client.get(ME, headers=bearer(pair))).status_code == 200
        response = await client.post(
            "/api/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=bearer(pair)
        )
        assert response.status_code == 204
        after = await client.get(ME, headers=bearer(pair))
        assert after.status_code == 401
        assert after.json()["error"]["code"] == "unauthorized"
        # Another login of the same account goes on.
        assert (await client.get(ME, headers=bearer(other_device))).status_code == 200

    async def test_rotation_keeps_the_login_alive(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        pair = await log_in(client, user)
        rotated = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert rotated.status_code == 200
        assert (await client.get(ME, headers=bearer(pair))).status_code == 200
        assert (await client.get(ME, headers=bearer(rotated.json()))).status_code == 200

    async def test_a_reused_refresh_token_ends_the_login_and_its_access_tokens(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        pair = await log_in(client, user)
        rotated = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        replayed = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert replayed.status_code == 401
        assert (await client.get(ME, headers=bearer(rotated.json()))).status_code == 401

    async def test_ending_all_sessions_ends_every_access_token(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        pairs = [await log_in(client, user) for _ in range(3)]
        await auth_service.end_all_sessions(session, user.id)
        await session.flush()
        for pair in pairs:
            assert (await client.get(ME, headers=bearer(pair))).status_code == 401
        # The account itself still works: a new login does.
        assert (await client.get(ME, headers=bearer(await log_in(client, user)))).status_code == 200

    async def test_a_token_naming_an_unknown_or_foreign_login_is_refused(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user, other = await make_user(session), await make_user(session)
        other_pair = await log_in(client, other)
        foreign = tokens.decode(TEST_SECRET, other_pair["token"], "access").family_id
        for family in (uuid.uuid4(), foreign):
            token, _ = tokens.issue(TEST_SECRET, user.id, "access", 3600, family_id=family)
            response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401
