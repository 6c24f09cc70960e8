import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth import service as auth_service
from fabricloop.auth import tokens
from fabricloop.auth.models import User
from tests.asserts import assert_error, error_without_request_id
from tests.factories import DEFAULT_PASSWORD, TEST_SECRET, auth_headers, make_user

REGISTER = "/api/auth/register"
LOGIN = "/api/auth/login"


def registration(**overrides: object) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": f"new-{uuid.uuid4().hex[:10]}@example.com",
        "password": "Sup3rSecret",
        "company_name": "Loop Textiles",
        "role": "manufacturer",
    }
    body.update(overrides)
    return body


async def count_users(session: AsyncSession) -> int:
    return len((await session.execute(select(User.id))).all())


class TestRegister:
    async def test_valid(self, client: AsyncClient) -> None:
        body = registration(email="Mixed.Case@Example.COM", phone="+4915112345678")
        response = await client.post(REGISTER, json=body)
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {"user_id", "email", "company_name", "role", "created_at"}
        assert data["email"] == "mixed.case@example.com"
        assert data["role"] == "manufacturer"
        assert data["created_at"].endswith("Z")

    async def test_password_is_hashed_with_bcrypt_cost_12(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        body = registration()
        await client.post(REGISTER, json=body)
        user = (await session.execute(select(User).where(User.email == body["email"]))).scalar_one()
        assert user.password_hash.startswith("$2b$12$")
        assert body["password"] not in user.password_hash

    async def test_duplicate_email_any_case(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session, email="taken@example.com")
        response = await client.post(REGISTER, json=registration(email="TAKEN@example.com"))
        assert response.status_code == 409
        assert_error(response.json(), "email_taken")

    @pytest.mark.parametrize(
        "email", ["not-an-email", "a@", "@b.com", "a b@c.com", "x" * 250 + "@e.com"]
    )
    async def test_invalid_email(self, client: AsyncClient, email: str) -> None:
        response = await client.post(REGISTER, json=registration(email=email))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_email")

    @pytest.mark.parametrize(
        "password", ["short1A", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere", "A1" + "a" * 127]
    )
    async def test_weak_password(self, client: AsyncClient, password: str) -> None:
        response = await client.post(REGISTER, json=registration(password=password))
        assert response.status_code == 422
        data = response.json()
        assert_error(data, "validation_error")
        assert data["error"]["details"][0]["field"] == "password"

    async def test_long_multibyte_password_over_72_bytes(self, client: AsyncClient) -> None:
        password = "Aa1" + "é" * 60  # 123 bytes in UTF-8, 63 characters
        body = registration(password=password)
        assert (await client.post(REGISTER, json=body)).status_code == 201
        login = await client.post(LOGIN, json={"email": body["email"], "password": password})
        assert login.status_code == 200
        # A password sharing the first 72 bytes is a different password.
        other = await client.post(
            LOGIN, json={"email": body["email"], "password": password[:-1] + "e"}
        )
        assert other.status_code == 401

    @pytest.mark.parametrize("missing", ["email", "password", "company_name", "role"])
    async def test_missing_field(self, client: AsyncClient, missing: str) -> None:
        body = registration()
        del body[missing]
        response = await client.post(REGISTER, json=body)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == missing

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("role", "admin"),
            ("company_name", "A"),
            ("company_name", "x" * 201),
            ("company_name", 12345),
            ("phone", "0151 123"),
            ("phone", "+1"),
            ("email", 42),
            ("password", ["Sup3rSecret"]),
        ],
    )
    async def test_invalid_field(self, client: AsyncClient, field: str, value: object) -> None:
        response = await client.post(REGISTER, json=registration(**{field: value}))
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == field

    async def test_unknown_and_server_owned_fields(self, client: AsyncClient) -> None:
        for extra in (
            {"is_admin": True},
            {"user_id": str(uuid.uuid4())},
            {"created_at": "2020-01-01"},
        ):
            response = await client.post(REGISTER, json=registration(**extra))
            assert response.status_code == 422
            assert response.json()["error"]["details"][0]["message"] == "Unknown field."

    async def test_malformed_json(self, client: AsyncClient, session: AsyncSession) -> None:
        before = await count_users(session)
        response = await client.post(
            REGISTER, content=b'{"email": ', headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert_error(response.json(), "bad_request")
        assert await count_users(session) == before

    async def test_unicode_and_injection_company_name(self, client: AsyncClient) -> None:
        name = "Tissage d'Étoile 織物'; DROP TABLE users; --"
        response = await client.post(REGISTER, json=registration(company_name=name))
        assert response.status_code == 201
        assert response.json()["company_name"] == name

    async def test_injection_email_is_just_invalid(self, client: AsyncClient) -> None:
        response = await client.post(REGISTER, json=registration(email="' OR 1=1 --@x.com"))
        assert response.status_code == 400


class TestLogin:
    async def test_valid(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session, email="buyer@example.com", role="brand")
        response = await client.post(
            LOGIN, json={"email": "Buyer@Example.com", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200
        data = response.json()
        assert data["token_type"] == "bearer"
        assert data["expires_in"] == 24 * 3600
        assert data["user_id"] == str(user.id)
        assert data["role"] == "brand"
        claims = jwt.decode(data["token"], TEST_SECRET, algorithms=["HS256"])
        assert claims["type"] == "access"
        assert {"exp", "iat", "jti", "sub"} <= set(claims)
        assert claims["exp"] - claims["iat"] == 24 * 3600
        refresh = jwt.decode(data["refresh_token"], TEST_SECRET, algorithms=["HS256"])
        assert refresh["type"] == "refresh"
        assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600
        cookie = response.headers["set-cookie"]
        assert "refresh_token=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert "Path=/api/auth" in cookie

    async def test_unknown_email_same_as_wrong_password(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session, email="known@example.com")
        wrong = await client.post(
            LOGIN, json={"email": "known@example.com", "password": "Wrong1234"}
        )
        unknown = await client.post(
            LOGIN, json={"email": "nobody@example.com", "password": "Wrong1234"}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert error_without_request_id(wrong) == error_without_request_id(unknown)

    async def test_lockout_after_ten_failures(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session, email="target@example.com")
        for _ in range(10):
            response = await client.post(
                LOGIN, json={"email": "target@example.com", "password": "Wrong1234"}
            )
            assert response.status_code == 401
        locked = await client.post(
            LOGIN, json={"email": "TARGET@example.com", "password": DEFAULT_PASSWORD}
        )
        assert locked.status_code == 429
        assert_error(locked.json(), "rate_limited")
        assert int(locked.headers["Retry-After"]) > 0

    async def test_lockout_is_per_account(self, client: AsyncClient, session: AsyncSession) -> None:
        await make_user(session, email="victim@example.com")
        await make_user(session, email="bystander@example.com")
        for _ in range(11):
            await client.post(LOGIN, json={"email": "victim@example.com", "password": "Wrong1234"})
        ok = await client.post(
            LOGIN, json={"email": "bystander@example.com", "password": DEFAULT_PASSWORD}
        )
        assert ok.status_code == 200

    async def test_deactivated_account(self, client: AsyncClient, session: AsyncSession) -> None:
        await make_user(session, email="gone@example.com", is_active=False)
        response = await client.post(
            LOGIN, json={"email": "gone@example.com", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 401

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"email": "a@b.com"},
            {"email": 1, "password": 2},
            {"email": "a@b.com", "password": "x", "extra": 1},
        ],
    )
    async def test_bad_input(self, client: AsyncClient, body: dict[str, object]) -> None:
        response = await client.post(LOGIN, json=body)
        assert response.status_code == 422

    async def test_huge_password_is_refused_cleanly(self, client: AsyncClient) -> None:
        response = await client.post(LOGIN, json={"email": "a@b.com", "password": "A1a" * 1000})
        assert response.status_code == 422


async def login(client: AsyncClient, session: AsyncSession) -> tuple[User, dict[str, object]]:
    user = await make_user(session)
    response = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    return user, response.json()


class TestRefresh:
    async def test_rotation_and_reuse(self, client: AsyncClient, session: AsyncSession) -> None:
        _, pair = await login(client, session)
        first = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert first.status_code == 200
        new_pair = first.json()
        assert new_pair["refresh_token"] != pair["refresh_token"]
        assert set(new_pair) == set(pair)
        reused = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert reused.status_code == 401
        # Reuse revokes the whole chain, including the token that replaced it.
        after = await client.post(
            "/api/auth/refresh", json={"refresh_token": new_pair["refresh_token"]}
        )
        assert after.status_code == 401

    async def test_from_cookie(self, client: AsyncClient, session: AsyncSession) -> None:
        await login(client, session)  # the client keeps the cookie
        response = await client.post("/api/auth/refresh")
        assert response.status_code == 200
        assert "refresh_token=" in response.headers["set-cookie"]

    async def test_access_token_is_not_a_refresh_token(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, pair = await login(client, session)
        client.cookies.clear()
        response = await client.post("/api/auth/refresh", json={"refresh_token": pair["token"]})
        assert response.status_code == 401

    @pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 2000])
    async def test_bad_tokens(self, client: AsyncClient, token: str) -> None:
        response = await client.post("/api/auth/refresh", json={"refresh_token": token})
        assert response.status_code == 401

    async def test_missing_token(self, client: AsyncClient) -> None:
        response = await client.post("/api/auth/refresh", json={})
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")

    async def test_wrong_type_in_body(self, client: AsyncClient) -> None:
        response = await client.post("/api/auth/refresh", json={"refresh_token": 5})
        assert response.status_code == 422

    async def test_concurrent_refresh_only_one_wins(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, pair = await login(client, session)
        client.cookies.clear()
        body = {"refresh_token": pair["refresh_token"]}
        results = [await client.post("/api/auth/refresh", json=body) for _ in range(2)]
        assert sorted(r.status_code for r in results) == [200, 401]


class TestLogout:
    async def test_revokes_refresh_token(self, client: AsyncClient, session: AsyncSession) -> None:
        _, pair = await login(client, session)
        headers = {"Authorization": f"Bearer {pair['token']}"}
        response = await client.post(
            "/api/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
        )
        assert response.status_code == 204
        assert 'refresh_token=""' in response.headers["set-cookie"]
        refused = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert refused.status_code == 401

    async def test_requires_auth(self, client: AsyncClient) -> None:
        response = await client.post("/api/auth/logout", json={"refresh_token": "x"})
        assert response.status_code == 401

    async def test_someone_elses_refresh_token(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, victim_pair = await login(client, session)
        attacker = await make_user(session)
        response = await client.post(
            "/api/auth/logout",
            json={"refresh_token": victim_pair["refresh_token"]},
            headers=auth_headers(attacker),
        )
        assert response.status_code == 401
        still = await client.post(
            "/api/auth/refresh", json={"refresh_token": victim_pair["refresh_token"]}
        )
        assert still.status_code == 200


class TestMe:
    async def test_valid(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session, phone="+14155550123", company_name="Ünïcode Mills")
        response = await client.get("/api/auth/me", headers=auth_headers(user))
        assert response.status_code == 200
        assert response.json() == {
            "user_id": str(user.id),
            "email": user.email,
            "company_name": "Ünïcode Mills",
            "role": "manufacturer",
            "phone": "+14155550123",
            "created_at": user.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        }

    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.get("/api/auth/me")
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")

    async def _token_response(self, client: AsyncClient, token: str) -> int:
        response = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        return response.status_code

    async def test_rejected_tokens(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        now = datetime.now(UTC)
        base = {"sub": str(user.id), "jti": str(uuid.uuid4()), "type": "access", "iat": now}
        expired = {**base, "iat": now - timedelta(days=2), "exp": now - timedelta(days=1)}
        valid_claims = {**base, "exp": now + timedelta(hours=1)}
        unsigned = jwt.encode(valid_claims, "", algorithm="none")
        other_key = jwt.encode(valid_claims, "another-secret-" + "y" * 40, algorithm="HS256")
        other_alg = jwt.encode(valid_claims, TEST_SECRET, algorithm="HS512")
        no_exp = jwt.encode(base, TEST_SECRET, algorithm="HS256")
        refresh_type = jwt.encode(
            {**valid_claims, "type": "refresh"}, TEST_SECRET, algorithm="HS256"
        )
        unknown_user = jwt.encode(
            {**valid_claims, "sub": str(uuid.uuid4())}, TEST_SECRET, algorithm="HS256"
        )
        for token in (
            jwt.encode(expired, TEST_SECRET, algorithm="HS256"),
            unsigned,
            other_key,
            other_alg,
            no_exp,
            refresh_type,
            unknown_user,
            "not.a.jwt",
        ):
            assert await self._token_response(client, token) == 401, token
        assert (
            await self._token_response(
                client, jwt.encode(valid_claims, TEST_SECRET, algorithm="HS256")
            )
            == 200
        )

    async def test_non_bearer_scheme(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        token = auth_headers(user)["Authorization"].split()[1]
        response = await client.get("/api/auth/me", headers={"Authorization": f"Basic {token}"})
        assert response.status_code == 401


async def test_concurrent_registration_of_one_email(committed_client: AsyncClient) -> None:
    body = registration(email="race@example.com")
    results = await asyncio.gather(*(committed_client.post(REGISTER, json=body) for _ in range(3)))
    assert sorted(r.status_code for r in results) == [201, 409, 409]


class TestSessionEdges:
    async def test_phone_must_be_possible(self, client: AsyncClient) -> None:
        response = await client.post(REGISTER, json=registration(phone="+1000000"))
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "phone"

    async def test_null_phone_is_allowed(self, client: AsyncClient) -> None:
        response = await client.post(REGISTER, json=registration(phone=None))
        assert response.status_code == 201

    async def test_refresh_after_deactivation(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user, pair = await login(client, session)
        client.cookies.clear()
        user.is_active = False
        await session.flush()
        response = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert response.status_code == 401

    async def test_refresh_token_of_unknown_jti(self, client: AsyncClient) -> None:
        token, _ = tokens.issue(TEST_SECRET, uuid.uuid4(), "refresh", 60, family_id=uuid.uuid4())
        response = await client.post("/api/auth/refresh", json={"refresh_token": token})
        assert response.status_code == 401

    async def test_logout_with_garbage_token(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        response = await client.post(
            "/api/auth/logout", json={"refresh_token": "garbage"}, headers=auth_headers(user)
        )
        assert response.status_code == 401

    async def test_end_all_sessions_revokes_every_refresh_token(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user, pair = await login(client, session)
        client.cookies.clear()
        await auth_service.end_all_sessions(session, user.id)
        await session.flush()
        response = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert response.status_code == 401
