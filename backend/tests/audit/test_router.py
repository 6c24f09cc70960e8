"""GET /api/admin/audit, and audit.service.record that every admin action goes through."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit import service
from fabricloop.audit.models import AdminAction
from fabricloop.auth.errors import AdminOnly
from tests.factories import auth_headers, make_admin, make_user


async def test_record_then_read(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    target = uuid.uuid4()
    await service.record(
        session,
        admin,
        "user.suspend",
        "user",
        target,
        reason="Fake company — ünïcode reason",
        details={"amount": Decimal("12.50"), "id": target},
    )
    response = await client.get("/api/admin/audit", headers=auth_headers(admin))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    assert body["page"] == 1
    assert body["limit"] == 20
    (entry,) = body["entries"]
    assert entry["admin"] == {
        "user_id": str(admin.id),
        "email": admin.email,
        "company_name": admin.company_name,
    }
    assert entry["action"] == "user.suspend"
    assert entry["target_type"] == "user"
    assert entry["target_id"] == str(target)
    assert entry["reason"] == "Fake company — ünïcode reason"
    assert entry["details"] == {"amount": "12.50", "id": str(target)}
    assert entry["created_at"].endswith("Z")


async def test_only_an_admin_can_be_recorded(session: AsyncSession) -> None:
    brand = await make_user(session, role="brand")
    with pytest.raises(AdminOnly):
        await service.record(session, brand, "user.verify", "user", brand.id)


async def test_an_action_must_be_target_dot_verb(session: AsyncSession) -> None:
    admin = await make_admin(session)
    for bad in ("verify", "User.Verify", "user.verify.now", ""):
        with pytest.raises(ValueError, match="audit action"):
            await service.record(session, admin, bad, "user", admin.id)


async def test_filters_and_pages(client: AsyncClient, session: AsyncSession) -> None:
    first, second = await make_admin(session), await make_admin(session)
    target = uuid.uuid4()
    now = datetime.now(UTC)
    for when, (admin, action, target_type, target_id) in (
        (now - timedelta(minutes=2), (first, "user.verify", "user", target)),
        (now - timedelta(minutes=1), (second, "material.hide", "material", uuid.uuid4())),
        (datetime(2026, 1, 15, 23, 59, tzinfo=UTC), (first, "user.unverify", "user", target)),
    ):
        entry = await service.record(session, admin, action, target_type, target_id)
        await session.execute(
            update(AdminAction).where(AdminAction.id == entry.id).values(created_at=when)
        )
    headers = auth_headers(first)

    async def ids(**query: str) -> list[str]:
        response = await client.get("/api/admin/audit", params=query, headers=headers)
        assert response.status_code == 200, response.text
        return [e["action"] for e in response.json()["entries"]]

    assert await ids() == ["material.hide", "user.verify", "user.unverify"]  # newest first
    assert await ids(admin_id=str(second.id)) == ["material.hide"]
    assert await ids(action="user.verify") == ["user.verify"]
    assert await ids(target_type="user") == ["user.verify", "user.unverify"]
    assert await ids(target_id=str(target)) == ["user.verify", "user.unverify"]
    assert await ids(start_date="2026-01-15", end_date="2026-01-15") == ["user.unverify"]
    assert await ids(end_date="2026-01-14") == []
    yesterday = (now - timedelta(days=1)).date()
    assert await ids(start_date=str(yesterday)) == ["material.hide", "user.verify"]
    response = await client.get("/api/admin/audit?limit=1&page=2", headers=headers)
    body = response.json()
    assert (body["total"], body["page"], body["limit"]) == (3, 2, 1)
    assert [e["action"] for e in body["entries"]] == ["user.verify"]
    response = await client.get("/api/admin/audit?limit=1000", headers=headers)
    assert response.json()["limit"] == 100


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("start_date=2026-02-01&end_date=2026-01-01", "invalid_date_range"),
        ("start_date=2026-02-30", "invalid_query"),
        ("end_date=yesterday", "invalid_query"),
        ("admin_id=not-a-uuid", "invalid_query"),
        ("target_id=1", "invalid_query"),
        ("action=user.verify%00", "invalid_query"),
        ("action=" + "a" * 61, "invalid_query"),
        ("target_type=Ünïcode", "invalid_query"),
        ("page=0", "invalid_query"),
        ("limit=x", "invalid_query"),
    ],
)
async def test_bad_queries_are_400(
    client: AsyncClient, session: AsyncSession, query: str, code: str
) -> None:
    admin = await make_admin(session)
    response = await client.get(f"/api/admin/audit?{query}", headers=auth_headers(admin))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
