"""The contract, "Auth and account": every field of every response, cookies, tokens, export,
delete."""

import time
import uuid

import jwt
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import (
    assert_error_response,
    assert_timestamp,
    bearer,
    create_material,
    create_transaction,
    is_uuid,
    make_party,
    pay,
    register_and_login,
)
from tests.factories import DEFAULT_PASSWORD, TEST_SECRET

PAIR_FIELDS = {"token", "refresh_token", "token_type", "expires_in", "user_id", "email", "role"}


def refresh_cookie(set_cookie: str) -> dict[str, str]:
    parts = [p.strip() for p in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        attrs[key.lower()] = val
    return {"name": name, "value": value, **attrs}


class TestRegister:
    async def test_fields(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/register",
            json={
                "email": "Brand.New@Example.com",
                "password": DEFAULT_PASSWORD,
                "company_name": "Éco Tissage",
                "role": "brand",
                "phone": "+33612345678",
            },
        )
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {"user_id", "email", "company_name", "role", "created_at"}
        assert is_uuid(data["user_id"])
        assert data["email"] == "brand.new@example.com"
        assert data["role"] == "brand"
        assert_timestamp(data["created_at"])

    async def test_codes(self, client: AsyncClient) -> None:
        base = {"password": DEFAULT_PASSWORD, "company_name": "Loop", "role": "brand"}
        assert_error_response(
            await client.post("/api/auth/register", json={**base, "email": "nope"}),
            400,
            "invalid_email",
        )
        assert (
            await client.post("/api/auth/register", json={**base, "email": "Dup@x.com"})
        ).status_code == 201
        assert_error_response(
            await client.post("/api/auth/register", json={**base, "email": "dup@X.COM"}),
            409,
            "email_taken",
        )

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("company_name", "A"),
            ("company_name", "x" * 201),
            ("role", "admin"),
            ("phone", "12345"),
            ("password", "Short1"),
            ("password", "A1" + "a" * 127),
            ("password", "nouppercase1"),
            ("password", "NOLOWERCASE1"),
            ("password", "NoDigitsAtAll"),
        ],
    )
    async def test_invalid_fields_422(self, client: AsyncClient, field: str, value: str) -> None:
        body = {
            "email": f"v-{uuid.uuid4().hex[:8]}@example.com",
            "password": DEFAULT_PASSWORD,
            "company_name": "Loop",
            "role": "brand",
            field: value,
        }
        error = assert_error_response(
            await client.post("/api/auth/register", json=body), 422, "validation_error"
        )
        assert error["details"][0]["field"] == field

    @pytest.mark.parametrize("name", ["AB", "x" * 200])
    async def test_company_name_bounds_accepted(self, client: AsyncClient, name: str) -> None:
        body = {
            "email": f"b-{uuid.uuid4().hex[:8]}@example.com",
            "password": "Aa345678",
            "company_name": name,
            "role": "manufacturer",
        }
        assert (await client.post("/api/auth/register", json=body)).status_code == 201


class TestLoginAndTokens:
    async def test_login_fields_and_cookie(self, client: AsyncClient) -> None:
        user = await register_and_login(client, role="brand")
        assert set(user) >= PAIR_FIELDS
        assert user["token_type"] == "bearer"
        assert user["expires_in"] == 86400
        assert is_uuid(user["user_id"])
        assert user["role"] == "brand"
        access = jwt.decode(user["token"], TEST_SECRET, algorithms=["HS256"])
        assert jwt.get_unverified_header(user["token"])["alg"] == "HS256"
        assert abs(access["exp"] - time.time() - 86400) < 120
        refresh = jwt.decode(user["refresh_token"], TEST_SECRET, algorithms=["HS256"])
        assert abs(refresh["exp"] - time.time() - 30 * 86400) < 120

    async def test_cookie_attributes(self, client: AsyncClient, session: AsyncSession) -> None:
        from tests.factories import make_user

        user = await make_user(session)
        response = await client.post(
            "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200
        assert set(response.json()) == PAIR_FIELDS
        cookie = refresh_cookie(response.headers["set-cookie"])
        assert cookie["value"] == response.json()["refresh_token"]
        assert "httponly" in cookie
        assert cookie["samesite"].lower() == "strict"
        assert cookie["path"] == "/api/auth"

    async def test_wrong_credentials_401_alike(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        from tests.factories import make_user

        user = await make_user(session)
        wrong = await client.post(
            "/api/auth/login", json={"email": user.email, "password": "Wrong1234"}
        )
        unknown = await client.post(
            "/api/auth/login", json={"email": "ghost@example.com", "password": "Wrong1234"}
        )
        a = assert_error_response(wrong, 401, "unauthorized")
        b = assert_error_response(unknown, 401, "unauthorized")
        a.pop("request_id")
        b.pop("request_id")
        assert a == b

    async def test_lockout_429_with_retry_after(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        from tests.factories import make_user

        user = await make_user(session)
        for _ in range(10):
            await client.post("/api/auth/login", json={"email": user.email, "password": "Bad12345"})
        locked = await client.post(
            "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert_error_response(locked, 429, "rate_limited")
        assert int(locked.headers["retry-after"]) > 0

    async def test_refresh_with_body_rotates(self, client: AsyncClient) -> None:
        user = await register_and_login(client)
        response = await client.post(
            "/api/auth/refresh", json={"refresh_token": user["refresh_token"]}
        )
        assert response.status_code == 200
        assert set(response.json()) == PAIR_FIELDS
        assert response.json()["refresh_token"] != user["refresh_token"]
        assert "refresh_token=" in response.headers["set-cookie"]
        client.cookies.clear()
        again = await client.post(
            "/api/auth/refresh", json={"refresh_token": user["refresh_token"]}
        )
        assert_error_response(again, 401, "unauthorized")

    async def test_refresh_and_logout_read_cookie(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        from tests.factories import make_user

        user = await make_user(session)
        login = await client.post(
            "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        # The cookie is scoped to /api/auth, so the client sends it there with no body.
        refreshed = await client.post("/api/auth/refresh")
        assert refreshed.status_code == 200, refreshed.text
        new_pair = refreshed.json()
        assert new_pair["refresh_token"] != login.json()["refresh_token"]
        out = await client.post("/api/auth/logout", headers=bearer(new_pair["token"]))
        assert out.status_code == 204
        assert out.content == b""
        client.cookies.clear()
        revoked = await client.post(
            "/api/auth/refresh", json={"refresh_token": new_pair["refresh_token"]}
        )
        assert_error_response(revoked, 401, "unauthorized")

    async def test_logout_with_body(self, client: AsyncClient) -> None:
        user = await register_and_login(client)
        out = await client.post(
            "/api/auth/logout",
            json={"refresh_token": user["refresh_token"]},
            headers=user["headers"],
        )
        assert out.status_code == 204
        again = await client.post(
            "/api/auth/refresh", json={"refresh_token": user["refresh_token"]}
        )
        assert_error_response(again, 401, "unauthorized")

    async def test_logout_requires_auth(self, client: AsyncClient) -> None:
        assert_error_response(
            await client.post("/api/auth/logout", json={"refresh_token": "x"}), 401, "unauthorized"
        )

    async def test_refresh_token_is_not_an_access_token(self, client: AsyncClient) -> None:
        user = await register_and_login(client)
        response = await client.get("/api/auth/me", headers=bearer(user["refresh_token"]))
        assert_error_response(response, 401, "unauthorized")
        response = await client.post("/api/auth/refresh", json={"refresh_token": user["token"]})
        assert_error_response(response, 401, "unauthorized")

    @pytest.mark.parametrize(
        "token",
        [
            "garbage",
            jwt.encode({"sub": str(uuid.uuid4()), "type": "access"}, TEST_SECRET, "HS256"),
            jwt.encode(
                {"sub": str(uuid.uuid4()), "type": "access", "exp": int(time.time()) - 10},
                TEST_SECRET,
                "HS256",
            ),
            jwt.encode(
                {"sub": str(uuid.uuid4()), "type": "access", "exp": int(time.time()) + 99},
                "another-secret-" + "y" * 40,
                "HS256",
            ),
            jwt.encode(
                {"sub": str(uuid.uuid4()), "type": "access", "exp": int(time.time()) + 99},
                TEST_SECRET,
                "HS512",
            ),
        ],
    )
    async def test_bad_tokens_401(self, client: AsyncClient, token: str) -> None:
        assert_error_response(
            await client.get("/api/auth/me", headers=bearer(token)), 401, "unauthorized"
        )

    async def test_malformed_authorization_header(self, client: AsyncClient) -> None:
        for header in ("Bearer", "Basic abc", "token"):
            response = await client.get("/api/auth/me", headers={"Authorization": header})
            assert_error_response(response, 401, "unauthorized")


class TestMe:
    async def test_fields(self, client: AsyncClient) -> None:
        user = await register_and_login(client, role="manufacturer", company="Me Mills")
        response = await client.get("/api/auth/me", headers=user["headers"])
        data = response.json()
        assert set(data) == {"user_id", "email", "company_name", "role", "phone", "created_at"}
        assert data["user_id"] == user["user_id"]
        assert data["company_name"] == "Me Mills"
        assert data["phone"] is None
        assert_timestamp(data["created_at"])


class TestExport:
    async def test_attachment_with_every_section(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller, seller_headers = await make_party(session, company="Other Seller")
        buyer, buyer_headers = await make_party(session, role="brand", company="Buyer")
        material = await create_material(client, seller_headers)
        tx = await create_transaction(client, buyer_headers, material["material_id"])
        assert (await pay(client, buyer_headers, tx["transaction_id"])).status_code == 201
        await client.post(
            "/api/messages",
            json={"recipient_id": str(seller.id), "content": "Hello"},
            headers=buyer_headers,
        )
        response = await client.get("/api/auth/export", headers=buyer_headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert "attachment" in response.headers["content-disposition"]
        data = response.json()
        for key in ("profile", "materials", "images", "transactions", "payments", "messages"):
            assert key in data, key
        text = response.text
        # Of other users only their user_id and company_name.
        assert seller.email not in text
        assert str(seller.id) in text
        assert len(data["transactions"]) == 1
        assert len(data["payments"]) == 1
        assert len(data["messages"]) == 1
        # The seller's listings carry their passport and metrics (nested per material).
        sold = (await client.get("/api/auth/export", headers=seller_headers)).json()
        listing = sold["materials"][0]
        assert listing["passport"]["passport_id"]
        assert len(listing["metrics"]) == 1
        assert buyer.email not in str(sold)
        assert len(sold["transactions"]) == 1
        assert len(sold["messages"]) == 1

    async def test_requires_auth(self, client: AsyncClient) -> None:
        assert_error_response(await client.get("/api/auth/export"), 401, "unauthorized")


class TestDelete:
    async def test_scheduled_and_deactivated(self, client: AsyncClient) -> None:
        user = await register_and_login(client)
        material = await create_material(client, user["headers"])
        response = await client.delete("/api/auth/delete", headers=user["headers"])
        assert response.status_code == 202
        data = response.json()
        assert data["status"] == "scheduled"
        assert_timestamp(data["delete_after"])
        assert_error_response(
            await client.get("/api/auth/me", headers=user["headers"]), 401, "unauthorized"
        )
        login = await client.post(
            "/api/auth/login", json={"email": user["email"], "password": DEFAULT_PASSWORD}
        )
        assert_error_response(login, 401, "unauthorized")
        refreshed = await client.post(
            "/api/auth/refresh", json={"refresh_token": user["refresh_token"]}
        )
        assert_error_response(refreshed, 401, "unauthorized")
        # Listings archived: gone from the public.
        assert (await client.get(f"/api/materials/{material['material_id']}")).status_code == 404

    async def test_requires_auth(self, client: AsyncClient) -> None:
        assert_error_response(await client.delete("/api/auth/delete"), 401, "unauthorized")
