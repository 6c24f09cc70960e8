"""Every `/api/admin` route, found in the OpenAPI schema (so a new one cannot be forgotten):
401 without a token, 403 for a brand and a manufacturer, and never anything else."""

import re
import uuid

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import auth_headers, make_admin, make_user

# Routes of the operator outside /api/admin that admins share with other users are tested with
# their domains; these must exist at least (the walk below would pass on an empty list).
KNOWN = {("get", "/api/admin/audit")}


def admin_operations(app: FastAPI) -> list[tuple[str, str]]:
    schema = app.openapi()
    return sorted(
        (method, path)
        for path, item in schema["paths"].items()
        if path == "/api/admin" or path.startswith("/api/admin/")
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


async def call(client: AsyncClient, method: str, path: str, headers: dict[str, str]) -> int:
    body: dict[str, object] | None = {} if method in {"post", "put", "patch"} else None
    response = await client.request(method.upper(), concrete(path), headers=headers, json=body)
    return response.status_code


def test_the_walk_sees_the_admin_routes(app: FastAPI) -> None:
    assert set(admin_operations(app)) >= KNOWN


async def test_every_admin_route_refuses_everyone_but_admins(
    app: FastAPI, client: AsyncClient, session: AsyncSession
) -> None:
    brand = await make_user(session, role="brand")
    manufacturer = await make_user(session, role="manufacturer")
    wrong: list[str] = []
    for method, path in admin_operations(app):
        for who, headers, expected in (
            ("no token", {}, 401),
            ("a bad token", {"Authorization": "Bearer not-a-token"}, 401),
            ("brand", auth_headers(brand), 403),
            ("manufacturer", auth_headers(manufacturer), 403),
        ):
            status = await call(client, method, path, headers)
            if status != expected:
                wrong.append(f"{method.upper()} {path} as {who}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


async def test_an_admin_gets_past_the_guard(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    response = await client.get("/api/admin/audit", headers=auth_headers(admin))
    assert response.status_code == 200


async def test_a_403_names_the_rule(client: AsyncClient, session: AsyncSession) -> None:
    brand = await make_user(session, role="brand")
    response = await client.get("/api/admin/audit", headers=auth_headers(brand))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
