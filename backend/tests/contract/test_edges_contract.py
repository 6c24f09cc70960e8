"""Finer contract rules: server-owned status, roles, number formats, query validation."""

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import (
    assert_error_response,
    create_material,
    create_transaction,
    make_party,
    material_body,
    shipping_address,
)


class TestServerOwned:
    @pytest.mark.parametrize("status", ["draft", "active", "sold_out", "archived"])
    async def test_new_material_status_not_from_client(
        self, client: AsyncClient, session: AsyncSession, status: str
    ) -> None:
        _, headers = await make_party(session)
        response = await client.post(
            "/api/materials", json=material_body(status=status), headers=headers
        )
        assert response.status_code in (201, 422), response.text
        if response.status_code == 201:
            assert response.json()["status"] == "active"


class TestRoles:
    async def test_manufacturer_may_buy_from_another(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, seller = await make_party(session)
        _, other_maker = await make_party(session, role="manufacturer")
        material = await create_material(client, seller)
        await create_transaction(client, other_maker, material["material_id"])

    async def test_brand_may_message(self, client: AsyncClient, session: AsyncSession) -> None:
        _, brand = await make_party(session, role="brand")
        other, _ = await make_party(session, role="brand")
        response = await client.post(
            "/api/messages", json={"recipient_id": str(other.id), "content": "hi"}, headers=brand
        )
        assert response.status_code == 201


class TestQueries:
    @pytest.mark.parametrize(
        "params", [{"quantity": -1}, {"min_price": "NaN"}, {"max_price": "Infinity"}]
    )
    async def test_search_rejects(
        self, client: AsyncClient, params: dict[str, str | int | float]
    ) -> None:
        assert_error_response(
            await client.get("/api/materials", params=params), 400, "invalid_query"
        )

    async def test_search_injection_strings_are_plain(self, client: AsyncClient) -> None:
        for q in ("'; DROP TABLE materials; --", "ü & | ! :* <->", '"unclosed'):
            response = await client.get("/api/materials", params={"q": q})
            assert response.status_code == 200, (q, response.text)

    @pytest.mark.parametrize("params", [{"limit": 0}, {"limit": "x"}, {"before": "not-valid"}])
    async def test_history_query_400(
        self, client: AsyncClient, session: AsyncSession, params: dict[str, str | int | float]
    ) -> None:
        _, me = await make_party(session)
        other, _ = await make_party(session)
        response = await client.get(f"/api/messages/{other.id}", params=params, headers=me)
        assert_error_response(response, 400, "invalid_query")

    async def test_history_limit_clamped(self, client: AsyncClient, session: AsyncSession) -> None:
        _, me = await make_party(session)
        other, _ = await make_party(session)
        response = await client.get(f"/api/messages/{other.id}", params={"limit": 500}, headers=me)
        assert response.status_code == 200


class TestQuantities:
    @pytest.mark.parametrize(("unit", "quantity"), [("roll", 1.5), ("piece", 2.25), ("kg", 1.2345)])
    async def test_transaction_quantity_precision(
        self, client: AsyncClient, session: AsyncSession, unit: str, quantity: float
    ) -> None:
        _, seller = await make_party(session)
        _, buyer = await make_party(session, role="brand")
        kg_per_unit = None if unit == "kg" else 2
        material = await create_material(
            client, seller, unit=unit, kg_per_unit=kg_per_unit, quantity=50, min_order_quantity=1
        )
        response = await client.post(
            "/api/transactions",
            json={
                "material_id": material["material_id"],
                "quantity": quantity,
                "shipping_address": shipping_address(),
            },
            headers=buyer,
        )
        assert_error_response(response, 422, "validation_error")
        detail = (await client.get(f"/api/materials/{material['material_id']}")).json()
        assert detail["quantity"] == 50

    async def test_material_detail_kg_listing(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, seller = await make_party(session)
        body = material_body(unit="kg")
        del body["kg_per_unit"]
        created = (await client.post("/api/materials", json=body, headers=seller)).json()
        detail = (await client.get(f"/api/materials/{created['material_id']}")).json()
        assert detail["images"] == []
        assert "kg_per_unit" in detail


class TestMessagesPlainText:
    async def test_content_verbatim(self, client: AsyncClient, session: AsyncSession) -> None:
        me, mine = await make_party(session)
        other, theirs = await make_party(session)
        content = "<b>bold</b> & <script>x()</script> 'quoted' \"dq\" ✓"
        await client.post(
            "/api/messages", json={"recipient_id": str(other.id), "content": content}, headers=mine
        )
        got = (await client.get(f"/api/messages/{me.id}", headers=theirs)).json()
        assert got["messages"][0]["content"] == content


class TestMaterialStatusRules:
    async def test_unknown_status_422(self, client: AsyncClient, session: AsyncSession) -> None:
        _, owner = await make_party(session)
        created = await create_material(client, owner)
        response = await client.put(
            f"/api/materials/{created['material_id']}", json={"status": "lost"}, headers=owner
        )
        assert_error_response(response, 422, "validation_error")

    async def test_owner_sees_deleted_as_404(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, owner = await make_party(session)
        created = await create_material(client, owner)
        path = f"/api/materials/{created['material_id']}"
        await client.delete(path, headers=owner)
        assert_error_response(await client.get(path, headers=owner), 404, "not_found")
        assert_error_response(
            await client.put(path, json={"title": "Back"}, headers=owner), 404, "not_found"
        )
        assert_error_response(await client.delete(path, headers=owner), 404, "not_found")

    async def test_draft_not_buyable(self, client: AsyncClient, session: AsyncSession) -> None:
        _, owner = await make_party(session)
        _, buyer = await make_party(session, role="brand")
        created = await create_material(client, owner)
        await client.put(
            f"/api/materials/{created['material_id']}", json={"status": "draft"}, headers=owner
        )
        response = await client.post(
            "/api/transactions",
            json={
                "material_id": created["material_id"],
                "quantity": 10,
                "shipping_address": shipping_address(),
            },
            headers=buyer,
        )
        assert_error_response(response, 404, "not_found")

    async def test_draft_message_reference_404(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, owner = await make_party(session)
        _, other_h = await make_party(session)
        owner_user = (await client.get("/api/auth/me", headers=owner)).json()
        created = await create_material(client, owner)
        await client.put(
            f"/api/materials/{created['material_id']}", json={"status": "draft"}, headers=owner
        )
        response = await client.post(
            "/api/messages",
            json={
                "recipient_id": owner_user["user_id"],
                "material_id": created["material_id"],
                "content": "is this available?",
            },
            headers=other_h,
        )
        assert_error_response(response, 404, "not_found")


class TestLoginBody:
    async def test_unknown_field_422(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/login",
            json={"email": "a@example.com", "password": "Passw0rdX", "remember": True},
        )
        assert_error_response(response, 422, "validation_error")

    async def test_register_wrong_content_type(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/register", content=b"email=a@b.com", headers={"Content-Type": "text/plain"}
        )
        assert response.status_code in (415, 422)
        _ = uuid


class TestVisibility:
    async def test_sold_out_public_but_not_searched(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller, owner = await make_party(session)
        _, buyer = await make_party(session, role="brand")
        created = await create_material(client, owner, quantity=10, min_order_quantity=1)
        await create_transaction(client, buyer, created["material_id"], quantity=10)
        detail = await client.get(f"/api/materials/{created['material_id']}")
        assert detail.status_code == 200
        assert detail.json()["status"] == "sold_out"
        listed = (await client.get("/api/materials", params={"seller_id": str(seller.id)})).json()
        assert listed["total"] == 0

    async def test_draft_visible_to_transaction_party(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, owner = await make_party(session)
        _, buyer = await make_party(session, role="brand")
        _, stranger = await make_party(session)
        created = await create_material(client, owner)
        await create_transaction(client, buyer, created["material_id"])
        path = f"/api/materials/{created['material_id']}"
        await client.put(path, json={"status": "draft"}, headers=owner)
        assert (await client.get(path, headers=buyer)).status_code == 200
        assert_error_response(await client.get(path, headers=stranger), 404, "not_found")


class TestCookies:
    async def test_refresh_sets_cookie_and_logout_clears_it(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        from tests.factories import DEFAULT_PASSWORD, make_user

        user = await make_user(session)
        await client.post(
            "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        refreshed = await client.post("/api/auth/refresh")
        cookie = refreshed.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert "path=/api/auth" in cookie
        token = refreshed.json()["token"]
        out = await client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 204
        cleared = out.headers["set-cookie"].lower()
        assert "refresh_token=" in cleared
        assert "max-age=0" in cleared or "expires=thu, 01 jan 1970" in cleared

    async def test_refresh_without_body_or_cookie_401(self, client: AsyncClient) -> None:
        client.cookies.clear()
        assert_error_response(await client.post("/api/auth/refresh"), 401, "unauthorized")


class TestUnknownFieldsEverywhere:
    async def test_auth_bodies(self, client: AsyncClient) -> None:
        for path in ("/api/auth/refresh", "/api/auth/login"):
            response = await client.post(path, json={"refresh_token": "x", "admin": True})
            assert_error_response(response, 422, "validation_error")

    async def test_status_and_passport_bodies(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, owner = await make_party(session)
        _, buyer = await make_party(session, role="brand")
        created = await create_material(client, owner)
        tx = await create_transaction(client, buyer, created["material_id"])
        response = await client.post(
            f"/api/transactions/{tx['transaction_id']}/status",
            json={"status": "cancelled", "updated_at": "2020-01-01T00:00:00Z"},
            headers=buyer,
        )
        assert_error_response(response, 422, "validation_error")
        response = await client.put(
            f"/api/passports/{created['material_id']}",
            json={"origin": "PT", "issuer": {"company_name": "Fake"}},
            headers=owner,
        )
        assert_error_response(response, 422, "validation_error")
        detail = await client.get(f"/api/transactions/{tx['transaction_id']}", headers=buyer)
        assert detail.json()["status"] == "pending"
