"""HEAD, Allow, ETag and Cache-Control as every route gets them (core/http.py, core/spa.py),
and the 400 for a body that is not JSON."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from tests.factories import auth_headers, make_material

PUBLIC_JSON = [
    "/api/materials/{id}",
    "/api/passports/{id}",
    "/api/passports/{id}/untp.json",
    "/api/openapi.json",
]


class TestHead:
    @pytest.mark.parametrize(
        "path", ["/api/materials/types", "/api/materials", "/api/openapi.json"]
    )
    async def test_head_answers_like_get_without_a_body(
        self, client: AsyncClient, path: str
    ) -> None:
        get = await client.get(path)
        head = await client.head(path)
        assert (head.status_code, get.status_code) == (200, 200)
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == get.headers["content-length"]

    @pytest.mark.usefixtures("tmp_path")
    async def test_head_of_an_app_page(self, client: AsyncClient) -> None:
        response = await client.head("/materials")
        # The app is built (200) or not (503 with a hint): never a 405.
        assert response.status_code in (200, 503)
        assert response.content == b""


class TestAllow:
    @pytest.mark.parametrize(
        ("method", "path", "allowed"),
        [
            ("POST", "/api/materials/types", "GET, HEAD"),
            ("DELETE", "/api/materials", "GET, HEAD, POST"),
            (
                "PATCH",
                "/api/materials/00000000-0000-0000-0000-000000000000",
                "DELETE, GET, HEAD, PUT",
            ),
        ],
    )
    async def test_405_lists_what_the_path_allows(
        self, client: AsyncClient, method: str, path: str, allowed: str
    ) -> None:
        response = await client.request(method, path)
        assert response.status_code == 405
        assert response.headers["allow"] == allowed
        assert response.json()["error"]["code"] == "method_not_allowed"

    async def test_unknown_path_is_404_for_any_method(self, client: AsyncClient) -> None:
        for method in ("POST", "PUT", "DELETE"):
            response = await client.request(method, "/materials/anything")
            assert response.status_code == 404, method


class TestETag:
    async def _paths(self, session: AsyncSession, seller: User) -> list[str]:
        material = await make_material(session, seller)
        return [p.format(id=material.id) for p in PUBLIC_JSON]

    async def test_if_none_match_is_304(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        for path in await self._paths(session, seller):
            first = await client.get(path)
            assert first.status_code == 200, path
            etag = first.headers["etag"]
            assert etag.startswith('W/"')
            again = await client.get(path, headers={"If-None-Match": etag})
            assert again.status_code == 304, path
            assert again.content == b""
            assert again.headers["etag"] == etag
            other = await client.get(path, headers={"If-None-Match": 'W/"something-else"'})
            assert other.status_code == 200, path
            assert other.content == first.content

    async def test_a_change_changes_the_etag(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        path = f"/api/materials/{material.id}"
        before = (await client.get(path)).headers["etag"]
        changed = await client.put(path, json={"title": "Renamed"}, headers=auth_headers(seller))
        assert changed.status_code == 200
        after = await client.get(path, headers={"If-None-Match": before})
        assert after.status_code == 200
        assert after.headers["etag"] != before

    async def test_no_etag_on_errors(self, client: AsyncClient) -> None:
        response = await client.get("/api/materials/00000000-0000-0000-0000-000000000000")
        assert response.status_code == 404
        assert "etag" not in response.headers


class TestCacheControl:
    async def test_per_family(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        expected = {
            "/api/materials/types": "public, max-age=3600",
            "/api/materials": "public, no-cache",
            f"/api/materials/{material.id}": "public, no-cache",
            f"/api/passports/{material.id}": "public, no-cache",
            "/api/openapi.json": "public, no-cache",
        }
        for path, value in expected.items():
            response = await client.get(path)
            assert response.headers["cache-control"] == value, path
        mine = await client.get("/api/auth/me", headers=auth_headers(seller))
        assert mine.headers["cache-control"] == "private, no-store"
        asked = await client.get(f"/api/materials/{material.id}", headers=auth_headers(seller))
        assert asked.headers["cache-control"] == "private, no-cache"
        written = await client.post("/api/auth/login", json={})
        assert written.headers["cache-control"] == "no-store"

    async def test_a_routes_own_stands_alone(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        # A public read's family would say "public, no-cache"; the QR code sets its own.
        qr = await client.get(f"/api/passports/{material.id}/qr.svg")
        assert qr.status_code == 200
        assert qr.headers.get_list("cache-control") == ["public, max-age=3600"]
        head = await client.head(f"/api/passports/{material.id}/qr.svg")
        assert head.headers.get_list("cache-control") == ["public, max-age=3600"]


class TestBodyNotJson:
    @pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe{}", b'{"email": "a@b.c",'])
    async def test_400_bad_request(self, client: AsyncClient, body: bytes) -> None:
        response = await client.post(
            "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_request"

    async def test_documented_on_every_operation_with_a_json_body(
        self, client: AsyncClient
    ) -> None:
        schema = (await client.get("/api/openapi.json")).json()
        with_body = [
            (path, method)
            for path, operations in schema["paths"].items()
            for method, operation in operations.items()
            if "application/json" in operation.get("requestBody", {}).get("content", {})
        ]
        assert with_body
        for path, method in with_body:
            assert "400" in schema["paths"][path][method]["responses"], (path, method)
