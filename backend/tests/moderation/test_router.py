"""Listing reports, the operator's queue, and hiding / unhiding a listing."""

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit.models import AdminAction
from fabricloop.notifications.models import Notification
from tests.factories import auth_headers, make_admin, make_material, make_transaction, make_user

REPORT = {"reason": "counterfeit_claim", "details": "The GOTS number belongs to another mill."}


async def test_report_goes_to_the_queue(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    seller = await make_user(session)
    reporter = await make_user(session, role="brand", company_name="Careful Brand")
    material = await make_material(session, seller)
    response = await client.post(
        f"/api/materials/{material.id}/reports", json=REPORT, headers=auth_headers(reporter)
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "open"
    twice = await client.post(
        f"/api/materials/{material.id}/reports", json=REPORT, headers=auth_headers(reporter)
    )
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_reported"
    queue = await client.get("/api/admin/reports?status=open", headers=auth_headers(admin))
    assert queue.status_code == 200
    (entry,) = queue.json()["reports"]
    assert entry["report_id"] == created["report_id"]
    assert entry["reporter"] == {"user_id": str(reporter.id), "company_name": "Careful Brand"}
    assert entry["material"]["seller"]["user_id"] == str(seller.id)
    assert entry["material"]["status"] == "active"
    for query in ("status=closed", "reason=rude", "material_id=1", "page=0"):
        bad = await client.get(f"/api/admin/reports?{query}", headers=auth_headers(admin))
        assert bad.status_code == 400, query


async def test_report_errors(client: AsyncClient, session: AsyncSession) -> None:
    seller = await make_user(session)
    other = await make_user(session, role="brand")
    material = await make_material(session, seller)
    draft = await make_material(session, seller, status="draft")
    url = f"/api/materials/{material.id}/reports"
    assert (await client.post(url, json=REPORT)).status_code == 401
    own = await client.post(url, json=REPORT, headers=auth_headers(seller))
    assert own.status_code == 403
    unseen = await client.post(
        f"/api/materials/{draft.id}/reports", json=REPORT, headers=auth_headers(other)
    )
    assert unseen.status_code == 404
    unknown = await client.post(
        "/api/materials/00000000-0000-0000-0000-000000000000/reports",
        json=REPORT,
        headers=auth_headers(other),
    )
    assert unknown.status_code == 404
    for body in (
        {**REPORT, "reason": "ugly"},
        {**REPORT, "details": ""},
        {**REPORT, "details": "x" * 5001},
        {**REPORT, "details": "nul \x00"},
        {**REPORT, "status": "actioned"},
        {"reason": "other"},
    ):
        response = await client.post(url, json=body, headers=auth_headers(other))
        assert response.status_code == 422, body
    unicode = await client.post(
        url, json={"reason": "other", "details": "Zürich 🧵 — ok"}, headers=auth_headers(other)
    )
    assert unicode.status_code == 201


async def test_hide_and_unhide(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    seller = await make_user(session)
    buyer = await make_user(session, role="brand")
    stranger = await make_user(session, role="brand")
    material = await make_material(session, seller, title="Misleading merino", status="sold_out")
    await make_transaction(session, material, buyer, status="paid")
    await client.post(
        f"/api/materials/{material.id}/reports",
        json={"reason": "misleading_metrics", "details": "Water figure is impossible."},
        headers=auth_headers(stranger),
    )
    assert (await client.get(f"/api/materials/{material.id}")).status_code == 200  # cached
    headers = auth_headers(admin)
    response = await client.post(
        f"/api/admin/materials/{material.id}/hide",
        json={"reason": "Metrics cannot be right"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["hidden_reason"], body["reports_resolved"]) == (
        "hidden",
        "Metrics cannot be right",
        1,
    )
    assert (await client.get(f"/api/materials/{material.id}")).status_code == 404
    as_stranger = await client.get(f"/api/materials/{material.id}", headers=auth_headers(stranger))
    assert as_stranger.status_code == 404
    as_seller = (
        await client.get(f"/api/materials/{material.id}", headers=auth_headers(seller))
    ).json()
    assert (as_seller["status"], as_seller["hidden_reason"]) == (
        "hidden",
        "Metrics cannot be right",
    )
    as_buyer = (
        await client.get(f"/api/materials/{material.id}", headers=auth_headers(buyer))
    ).json()
    assert as_buyer["status"] == "hidden"
    assert as_buyer["hidden_reason"] is None  # the seller's business
    assert (await client.get("/api/materials", params={"q": "merino"})).json()["total"] == 0
    # The seller may edit, but not publish it again.
    status_change = await client.put(
        f"/api/materials/{material.id}", json={"status": "active"}, headers=auth_headers(seller)
    )
    assert status_change.status_code == 409
    assert status_change.json()["error"]["code"] == "listing_hidden"
    restock = await client.put(
        f"/api/materials/{material.id}", json={"quantity": 40}, headers=auth_headers(seller)
    )
    assert restock.status_code == 200
    queue = await client.get("/api/admin/reports?status=actioned", headers=headers)
    assert queue.json()["total"] == 1
    notice = await session.scalar(select(Notification).where(Notification.user_id == seller.id))
    assert notice is not None
    assert notice.kind == "listing_hidden"
    assert "Metrics cannot be right" in notice.body
    twice = await client.post(
        f"/api/admin/materials/{material.id}/hide", json={"reason": "x"}, headers=headers
    )
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_hidden"

    unhidden = await client.post(
        f"/api/admin/materials/{material.id}/unhide", json={"reason": "Fixed"}, headers=headers
    )
    assert unhidden.status_code == 200
    assert unhidden.json()["status"] == "active"  # sold out before, restocked while hidden
    detail = (await client.get(f"/api/materials/{material.id}")).json()
    assert (detail["status"], detail["hidden_reason"]) == ("active", None)
    assert (await client.get("/api/materials", params={"q": "merino"})).json()["total"] == 1
    again = await client.post(
        f"/api/admin/materials/{material.id}/unhide", json={}, headers=headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_hidden"
    actions = (
        await session.scalars(
            select(AdminAction.action).where(AdminAction.target_id == material.id)
        )
    ).all()
    assert sorted(actions) == ["material.hide", "material.unhide"]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 1001}, {"reason": "\x00"}])
async def test_hide_needs_a_reason(
    client: AsyncClient, session: AsyncSession, body: dict[str, str]
) -> None:
    admin = await make_admin(session)
    material = await make_material(session, await make_user(session))
    response = await client.post(
        f"/api/admin/materials/{material.id}/hide", json=body, headers=auth_headers(admin)
    )
    assert response.status_code == 422
    assert (await client.get(f"/api/materials/{material.id}")).json()["status"] == "active"


async def test_hide_unknown_or_deleted(client: AsyncClient, session: AsyncSession) -> None:
    from datetime import UTC, datetime

    admin = await make_admin(session)
    deleted = await make_material(
        session, await make_user(session), deleted_at=datetime.now(UTC), status="archived"
    )
    for material_id in (deleted.id, "00000000-0000-0000-0000-000000000000"):
        response = await client.post(
            f"/api/admin/materials/{material_id}/hide",
            json={"reason": "x"},
            headers=auth_headers(admin),
        )
        assert response.status_code == 404


async def test_dismiss(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    material = await make_material(session, await make_user(session))
    reporter = await make_user(session, role="brand")
    created = await client.post(
        f"/api/materials/{material.id}/reports", json=REPORT, headers=auth_headers(reporter)
    )
    report_id = created.json()["report_id"]
    headers = auth_headers(admin)
    response = await client.post(
        f"/api/admin/reports/{report_id}/dismiss",
        json={"reason": "Checked: genuine"},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    twice = await client.post(f"/api/admin/reports/{report_id}/dismiss", json={}, headers=headers)
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "report_resolved"
    unknown = await client.post(
        "/api/admin/reports/00000000-0000-0000-0000-000000000000/dismiss", json={}, headers=headers
    )
    assert unknown.status_code == 404
    # A new report of the same listing by the same user is possible once the old one is closed.
    renewed = await client.post(
        f"/api/materials/{material.id}/reports", json=REPORT, headers=auth_headers(reporter)
    )
    assert renewed.status_code == 201
