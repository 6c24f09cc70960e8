"""The account page's endpoints: editing the profile (PATCH /api/auth/me) and changing the
password (PUT /api/auth/password), which ends every other session of the account."""

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from tests.auth.helpers import bearer, log_in
from tests.factories import DEFAULT_PASSWORD, auth_headers, make_user

ME = "/api/auth/me"
PASSWORD = "/api/auth/password"
NEW_PASSWORD = "Another-Passw0rd"


def assert_field_error(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert [d["field"] for d in body["details"]] == [field]


class TestEditProfile:
    async def test_changes_only_the_fields_sent(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session, phone="+14155550123", company_name="Old Mills")
        response = await client.patch(
            ME, json={"company_name": "  Tessitura Nuova  "}, headers=auth_headers(user)
        )
        assert response.status_code == 200
        body = response.json()
        assert body["company_name"] == "Tessitura Nuova"
        assert body["phone"] == "+14155550123"
        assert body["email"] == user.email
        again = await client.get(ME, headers=auth_headers(user))
        assert again.json()["company_name"] == "Tessitura Nuova"

    async def test_phone_set_and_removed(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        set_phone = await client.patch(
            ME, json={"phone": "+4915112345678"}, headers=auth_headers(user)
        )
        assert set_phone.json()["phone"] == "+4915112345678"
        removed = await client.patch(ME, json={"phone": None}, headers=auth_headers(user))
        assert removed.status_code == 200
        assert removed.json()["phone"] is None
        assert removed.json()["company_name"] == user.company_name

    async def test_unicode_company_name(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        name = "Filature Ünïcode 織物 'x\"; DROP TABLE users;--"
        response = await client.patch(ME, json={"company_name": name}, headers=auth_headers(user))
        assert response.status_code == 200
        assert response.json()["company_name"] == name

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"company_name": "A"}, "company_name"),
            ({"company_name": "x" * 201}, "company_name"),
            ({"company_name": 12}, "company_name"),
            ({"company_name": None}, "company_name"),
            ({"phone": "0151 1234"}, "phone"),
            ({"phone": "+1" + "2" * 30}, "phone"),
            ({"email": "new@example.com"}, "email"),
            ({"role": "brand"}, "role"),
        ],
    )
    async def test_invalid_fields_are_422_and_change_nothing(
        self, client: AsyncClient, session: AsyncSession, body: dict[str, Any], field: str
    ) -> None:
        user = await make_user(session, company_name="Intact Mills")
        response = await client.patch(ME, json=body, headers=auth_headers(user))
        assert_field_error(response, field)
        after = (await client.get(ME, headers=auth_headers(user))).json()
        assert (after["company_name"], after["role"], after["email"]) == (
            "Intact Mills",
            user.role,
            user.email,
        )

    async def test_nul_byte_is_a_clear_4xx(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session, company_name="Intact Mills")
        response = await client.patch(
            ME, json={"company_name": "Bad\u0000Name"}, headers=auth_headers(user)
        )
        assert 400 <= response.status_code < 500
        assert (await client.get(ME, headers=auth_headers(user))).json()[
            "company_name"
        ] == "Intact Mills"

    async def test_needs_a_token(self, client: AsyncClient) -> None:
        response = await client.patch(ME, json={"company_name": "Nobody Ltd"})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"

    async def test_not_json_is_400(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        response = await client.patch(
            ME,
            content=b"company_name=x",
            headers={**auth_headers(user), "Content-Type": "application/json"},
        )
        assert response.status_code in (400, 422)


async def change(
    client: AsyncClient, pair: dict[str, Any], current: str, new: str = NEW_PASSWORD
) -> Any:
    return await client.put(
        PASSWORD,
        json={"current_password": current, "new_password": new},
        headers=bearer(pair),
    )


async def login_status(client: AsyncClient, user: User, password: str) -> int:
    client.cookies.clear()
    response = await client.post(
        "/api/auth/login", json={"email": user.email, "password": password}
    )
    return response.status_code


class TestChangePassword:
    async def test_ends_every_other_session_and_keeps_this_one(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        this_device = await log_in(client, user)
        other_device = await log_in(client, user)
        response = await change(client, this_device, DEFAULT_PASSWORD)
        assert response.status_code == 200, response.text
        fresh = response.json()
        assert set(fresh) >= {"token", "refresh_token", "expires_in", "user_id"}
        assert "refresh_token=" in response.headers["set-cookie"]
        # Every earlier login is over, this device's included; the new pair works.
        for old in (this_device, other_device):
            assert (await client.get(ME, headers=bearer(old))).status_code == 401
            refreshed = await client.post(
                "/api/auth/refresh", json={"refresh_token": old["refresh_token"]}
            )
            assert refreshed.status_code == 401
        assert (await client.get(ME, headers=bearer(fresh))).status_code == 200
        # The new password logs in, the old one no longer does.
        assert await login_status(client, user, DEFAULT_PASSWORD) == 401
        assert await login_status(client, user, NEW_PASSWORD) == 200

    async def test_wrong_current_password_changes_nothing(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        pair = await log_in(client, user)
        response = await change(client, pair, "Wrong-Passw0rd")
        assert_field_error(response, "current_password")
        assert (await client.get(ME, headers=bearer(pair))).status_code == 200
        assert await login_status(client, user, DEFAULT_PASSWORD) == 200

    async def test_same_password_again_is_refused(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        pair = await log_in(client, user)
        response = await change(client, pair, DEFAULT_PASSWORD, DEFAULT_PASSWORD)
        assert_field_error(response, "new_password")
        assert (await client.get(ME, headers=bearer(pair))).status_code == 200

    @pytest.mark.parametrize(
        "new",
        ["short1A", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere", "Aa1" + "x" * 200],
    )
    async def test_weak_new_password_is_422(
        self, client: AsyncClient, session: AsyncSession, new: str
    ) -> None:
        user = await make_user(session)
        response = await client.put(
            PASSWORD,
            json={"current_password": DEFAULT_PASSWORD, "new_password": new},
            headers=auth_headers(user),
        )
        assert_field_error(response, "new_password")

    @pytest.mark.parametrize(
        "body",
        [
            {"new_password": NEW_PASSWORD},
            {"current_password": DEFAULT_PASSWORD},
            {"current_password": 12345678, "new_password": NEW_PASSWORD},
            {"current_password": "x" * 1025, "new_password": NEW_PASSWORD},
        ],
    )
    async def test_malformed_body_is_422(
        self, client: AsyncClient, session: AsyncSession, body: dict[str, Any]
    ) -> None:
        user = await make_user(session)
        response = await client.put(PASSWORD, json=body, headers=auth_headers(user))
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"

    async def test_unicode_password(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        pair = await log_in(client, user)
        unicode_password = "Grüße-Passwört1 織"
        response = await change(client, pair, DEFAULT_PASSWORD, unicode_password)
        assert response.status_code == 200
        assert await login_status(client, user, unicode_password) == 200

    async def test_needs_a_token(self, client: AsyncClient) -> None:
        response = await client.put(
            PASSWORD, json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert response.status_code == 401

    async def test_deleted_account_cannot_change(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user: User = await make_user(session, is_active=False)
        response = await client.put(
            PASSWORD,
            json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
            headers=auth_headers(user),
        )
        assert response.status_code == 401
