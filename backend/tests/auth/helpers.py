"""Logins as separate devices would hold them, for the session tests."""

from typing import Any

from httpx import AsyncClient

from fabricloop.auth.models import User
from tests.factories import DEFAULT_PASSWORD


async def log_in(client: AsyncClient, user: User) -> dict[str, Any]:
    response = await client.post(
        "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    client.cookies.clear()  # each login as another device would hold it
    pair: dict[str, Any] = response.json()
    return pair


def bearer(pair: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['token']}"}
