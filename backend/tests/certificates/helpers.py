"""Shared by the certificate tests: the API calls they repeat."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from httpx import AsyncClient, Response

from fabricloop.auth.models import User
from tests.factories import auth_headers

ADMIN = "/api/admin/certificates"


def today() -> date:
    return datetime.now(UTC).date()


def days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


async def kinds(client: AsyncClient, user: User) -> list[str]:
    """The kinds of the user's notifications."""
    response = await client.get("/api/notifications?limit=100", headers=auth_headers(user))
    assert response.status_code == 200, response.text
    return [n["kind"] for n in response.json()["notifications"]]


async def review(
    client: AsyncClient, admin: User, certificate_id: uuid.UUID | str, verb: str, **body: Any
) -> Response:
    return await client.post(
        f"{ADMIN}/{certificate_id}/{verb}", json=body or None, headers=auth_headers(admin)
    )


async def audit_actions(client: AsyncClient, admin: User, target_id: uuid.UUID | str) -> list[str]:
    response = await client.get(
        f"/api/admin/audit?target_id={target_id}", headers=auth_headers(admin)
    )
    assert response.status_code == 200, response.text
    return [entry["action"] for entry in response.json()["entries"]]
