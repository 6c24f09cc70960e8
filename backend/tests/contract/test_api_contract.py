"""The HTTP contract as a whole: "Conventions" (request ids, gzip, error body, unknown and
server-owned fields, snake_case), the status table and "Pagination", checked from the
outside; the other files of this folder take the contract section by section."""

import gzip
import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import (
    assert_error_response,
    assert_snake_keys,
    assert_timestamp,
    create_material,
    make_party,
)


class TestRequestId:
    @pytest.mark.parametrize("rid", ["a", "abc-DEF_1.2", "x" * 128, "0123456789"])
    async def test_valid_incoming_id_is_echoed(self, client: AsyncClient, rid: str) -> None:
        response = await client.get("/api/materials/types", headers={"X-Request-ID": rid})
        assert response.headers["x-request-id"] == rid

    @pytest.mark.parametrize("rid", ["", "x" * 129, "has space", "semi;colon", "ü-nicode", "a/b"])
    async def test_invalid_incoming_id_is_replaced(self, client: AsyncClient, rid: str) -> None:
        response = await client.get("/api/materials/types", headers={b"X-Request-ID": rid.encode()})
        generated = response.headers["x-request-id"]
        assert generated
        assert generated != rid
        assert 1 <= len(generated) <= 128

    async def test_generated_when_absent_and_unique(self, client: AsyncClient) -> None:
        first = (await client.get("/api/materials/types")).headers["x-request-id"]
        second = (await client.get("/api/materials/types")).headers["x-request-id"]
        assert first
        assert second
        assert first != second

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/health"),
            ("GET", "/metrics"),
            ("GET", "/api/auth/me"),
            ("GET", f"/api/materials/{uuid.uuid4()}"),
            ("POST", "/api/auth/login"),
        ],
    )
    async def test_every_response_carries_it(
        self, client: AsyncClient, method: str, path: str
    ) -> None:
        response = await client.request(method, path, headers={"X-Request-ID": "trace-1"})
        assert response.headers["x-request-id"] == "trace-1"

    async def test_error_body_request_id_is_the_header(self, client: AsyncClient) -> None:
        response = await client.get("/api/auth/me", headers={"X-Request-ID": "req.42"})
        error = assert_error_response(response, 401, "unauthorized")
        assert error["request_id"] == "req.42"


class TestGzip:
    async def test_large_response_gzipped_when_asked(self, client: AsyncClient) -> None:
        response = await client.get("/api/materials/types", headers={"Accept-Encoding": "gzip"})
        assert len(response.content) > 500
        assert response.headers.get("content-encoding") == "gzip"

    async def test_not_gzipped_when_not_asked(self, client: AsyncClient) -> None:
        response = await client.get("/api/materials/types", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in response.headers
        assert len(response.content) > 500

    async def test_small_response_not_gzipped(self, client: AsyncClient) -> None:
        response = await client.get("/api/auth/me", headers={"Accept-Encoding": "gzip"})
        assert len(response.content) < 500
        assert "content-encoding" not in response.headers

    async def test_raw_bytes_are_gzip(self, client: AsyncClient) -> None:
        async with client.stream(
            "GET", "/api/materials/types", headers={"Accept-Encoding": "gzip"}
        ) as response:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        assert raw[:2] == b"\x1f\x8b"
        assert b"material_types" in gzip.decompress(raw)


class TestErrorShape:
    async def test_unknown_route_is_error_body(self, client: AsyncClient) -> None:
        assert_error_response(await client.get("/api/no-such-thing"), 404, "not_found")

    async def test_non_uuid_path_id_is_404(self, client: AsyncClient) -> None:
        assert_error_response(await client.get("/api/materials/not-a-uuid"), 404, "not_found")

    async def test_validation_error_lists_fields(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/register",
            json={"email": "ok@example.com", "password": "x", "company_name": "A", "role": "x"},
        )
        error = assert_error_response(response, 422, "validation_error")
        fields = {detail["field"] for detail in error["details"]}
        assert {"password", "company_name", "role"} <= fields

    async def test_malformed_json_body(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/login", content=b"{nope", headers={"Content-Type": "application/json"}
        )
        assert_error_response(response, 400, "bad_request")

    async def test_method_not_allowed_has_error_body(self, client: AsyncClient) -> None:
        response = await client.patch("/api/materials/types")
        assert response.status_code == 405
        assert set(response.json()) == {"error"}
        assert response.json()["error"]["request_id"] == response.headers["x-request-id"]


class TestUnknownAndServerOwnedFields:
    @pytest.mark.parametrize(
        "extra",
        [
            {"material_id": "00000000-0000-0000-0000-000000000001"},
            {"seller_id": "00000000-0000-0000-0000-000000000001"},
            {"status": "archived_or_anything"},
            {"created_at": "2020-01-01T00:00:00Z"},
            {"updated_at": "2020-01-01T00:00:00Z"},
            {"passport_id": "00000000-0000-0000-0000-000000000001"},
            {"favourite_colour": "red"},
        ],
    )
    async def test_material_create(
        self, client: AsyncClient, session: AsyncSession, extra: dict[str, str]
    ) -> None:
        from tests.contract.helpers import material_body

        _, headers = await make_party(session)
        response = await client.post("/api/materials", json=material_body(**extra), headers=headers)
        assert_error_response(response, 422, "validation_error")

    @pytest.mark.parametrize(
        "extra",
        [
            {"total": 1},
            {"buyer_id": "00000000-0000-0000-0000-000000000001"},
            {"seller_id": "00000000-0000-0000-0000-000000000001"},
            {"status": "paid"},
            {"transaction_id": "00000000-0000-0000-0000-000000000001"},
            {"unit_price": 0.01},
        ],
    )
    async def test_transaction_create(
        self, client: AsyncClient, session: AsyncSession, extra: dict[str, object]
    ) -> None:
        from tests.contract.helpers import shipping_address

        _, seller = await make_party(session)
        _, buyer = await make_party(session, role="brand")
        material = await create_material(client, seller)
        body = {
            "material_id": material["material_id"],
            "quantity": 10,
            "shipping_address": shipping_address(),
            **extra,
        }
        response = await client.post("/api/transactions", json=body, headers=buyer)
        assert_error_response(response, 422, "validation_error")

    async def test_message_create(self, client: AsyncClient, session: AsyncSession) -> None:
        _, sender = await make_party(session)
        recipient, _ = await make_party(session)
        for extra in ({"sender_id": str(recipient.id)}, {"sent_at": "2020-01-01T00:00:00Z"}):
            body = {"recipient_id": str(recipient.id), "content": "hi", **extra}
            response = await client.post("/api/messages", json=body, headers=sender)
            assert_error_response(response, 422, "validation_error")

    async def test_payment_create(self, client: AsyncClient, session: AsyncSession) -> None:
        _, buyer = await make_party(session, role="brand")
        body = {
            "transaction_id": str(uuid.uuid4()),
            "payment_method": "pm_card_visa",
            "amount": 0.01,
        }
        response = await client.post("/api/payments", json=body, headers=buyer)
        assert_error_response(response, 422, "validation_error")


class TestSnakeCaseAndTypes:
    async def test_material_detail_is_snake_case(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, headers = await make_party(session)
        created = await create_material(client, headers)
        detail = (await client.get(f"/api/materials/{created['material_id']}")).json()
        assert_snake_keys(detail)
        assert_timestamp(detail["created_at"])
        assert_timestamp(detail["updated_at"])


class TestPagination:
    @pytest.mark.parametrize(
        "path", ["/api/materials", "/api/transactions", "/api/messages/conversations"]
    )
    async def test_defaults(self, client: AsyncClient, session: AsyncSession, path: str) -> None:
        _, headers = await make_party(session)
        body = (await client.get(path, headers=headers)).json()
        assert body["page"] == 1
        assert body["limit"] == 20

    @pytest.mark.parametrize("path", ["/api/materials", "/api/transactions"])
    async def test_total_page_limit(
        self, client: AsyncClient, session: AsyncSession, path: str
    ) -> None:
        _, headers = await make_party(session)
        response = await client.get(path, params={"page": 3, "limit": 7}, headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert body["page"] == 3
        assert body["limit"] == 7
        assert isinstance(body["total"], int)

    @pytest.mark.parametrize(
        "path", ["/api/materials", "/api/transactions", "/api/messages/conversations"]
    )
    async def test_limit_above_100_is_clamped(
        self, client: AsyncClient, session: AsyncSession, path: str
    ) -> None:
        _, headers = await make_party(session)
        response = await client.get(path, params={"limit": 1000}, headers=headers)
        assert response.status_code == 200
        assert response.json()["limit"] == 100

    @pytest.mark.parametrize(
        "path", ["/api/materials", "/api/transactions", "/api/messages/conversations"]
    )
    @pytest.mark.parametrize(
        "params",
        [
            {"page": 0},
            {"page": -1},
            {"page": "two"},
            {"page": 1.5},
            {"limit": 0},
            {"limit": -5},
            {"limit": "ten"},
            {"limit": 2.5},
        ],
    )
    async def test_invalid_is_400(
        self,
        client: AsyncClient,
        session: AsyncSession,
        path: str,
        params: dict[str, str | int | float],
    ) -> None:
        _, headers = await make_party(session)
        response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_query"
        assert_error_response(response, 400, "invalid_query")

    async def test_pages_partition_results(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, headers = await make_party(session)
        seller_id = None
        for index in range(5):
            created = await create_material(client, headers, title=f"Paged listing {index}")
            seller_id = seller_id or created["material_id"]
        me = (await client.get("/api/auth/me", headers=headers)).json()
        seen: list[str] = []
        for page in (1, 2, 3):
            body = (
                await client.get(
                    "/api/materials",
                    params={"seller_id": me["user_id"], "limit": 2, "page": page},
                )
            ).json()
            assert body["total"] == 5
            seen += [m["material_id"] for m in body["materials"]]
        assert len(seen) == len(set(seen)) == 5


class TestEveryResponse:
    async def test_detail_and_search_gzipped(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, headers = await make_party(session)
        created = await create_material(client, headers)
        for _ in range(2):
            await create_material(client, headers)
        for path in (f"/api/materials/{created['material_id']}", "/api/materials"):
            for _ in range(2):  # a cache miss, then a hit
                response = await client.get(path, headers={"Accept-Encoding": "gzip"})
                assert response.status_code == 200
                assert len(response.content) > 500
                assert response.headers.get("content-encoding") == "gzip", path
                assert response.headers["x-request-id"]

    async def test_media_and_openapi_carry_request_id(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        from tests.contract.helpers import upload_image

        _, headers = await make_party(session)
        image = await upload_image(client, headers)
        for path in (image["url"], "/api/openapi.json", "/media/missing.jpg"):
            response = await client.get(path, headers={"X-Request-ID": "media-1"})
            assert response.headers["x-request-id"] == "media-1", path
