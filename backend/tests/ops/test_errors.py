import json

from httpx import AsyncClient


class TestUnstorableText:
    """Strings PostgreSQL cannot hold are the client's fault: 4xx, never a 500."""

    async def test_nul_in_a_body_is_422(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/login", json={"email": "a\x00@example.com", "password": "x"}
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"

    async def test_unpaired_surrogate_in_a_body_is_422(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/login",
            content=json.dumps({"email": "\ud800@example.com", "password": "x"}),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 422
