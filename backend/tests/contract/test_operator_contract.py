"""The contract, "Operator and trust": admin-only routes, verification, suspension, listing
reports, certificates with evidence, admin disputes and stats."""

import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import assert_error_response, create_material, is_uuid, make_party
from tests.factories import (
    DEFAULT_PASSWORD,
    auth_headers,
    make_admin,
    make_certificate,
    make_document,
)

pytestmark = pytest.mark.usefixtures("session")

ADMIN_GETS = [
    "/api/admin/users",
    "/api/admin/audit",
    "/api/admin/reports",
    "/api/admin/certificates",
    "/api/admin/disputes",
    "/api/admin/stats",
    f"/api/admin/users/{uuid.uuid4()}",
    f"/api/admin/disputes/{uuid.uuid4()}",
]
ADMIN_POSTS = [
    (f"/api/admin/users/{uuid.uuid4()}/verify", None),
    (f"/api/admin/users/{uuid.uuid4()}/unverify", None),
    (f"/api/admin/users/{uuid.uuid4()}/suspend", {"reason": "Fraud"}),
    (f"/api/admin/users/{uuid.uuid4()}/unsuspend", None),
    (f"/api/admin/materials/{uuid.uuid4()}/hide", {"reason": "Prohibited"}),
    (f"/api/admin/materials/{uuid.uuid4()}/unhide", None),
    (f"/api/admin/certificates/{uuid.uuid4()}/approve", None),
    (f"/api/admin/certificates/{uuid.uuid4()}/reject", {"reason": "Forged"}),
    (f"/api/admin/disputes/{uuid.uuid4()}/resolve", {"outcome": "release"}),
]


@pytest.mark.parametrize("role", ["manufacturer", "brand"])
async def test_every_admin_route_is_403_for_everyone_else(
    client: AsyncClient, session: AsyncSession, role: str
) -> None:
    _, headers = await make_party(session, role=role)
    for path in ADMIN_GETS:
        assert_error_response(await client.get(path, headers=headers), 403, "forbidden")
    for path, body in ADMIN_POSTS:
        response = await client.post(path, json=body, headers=headers)
        assert_error_response(response, 403, "forbidden")


async def test_register_as_admin_is_422(client: AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register",
        json={
            "email": f"a-{uuid.uuid4().hex[:8]}@example.com",
            "password": DEFAULT_PASSWORD,
            "company_name": "Sneaky",
            "role": "admin",
        },
    )
    assert_error_response(response, 422, "validation_error")


def _company(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "legal_name": "Fios do Norte Lda",
        "registration_number": "PT-509123456",
        "vat_number": "PT509123457",
        "country": "PT",
        "address": "Rua da Fabrica 1, 4000-001 Porto",
    }
    body.update(overrides)
    return body


async def test_company_vat_checked_against_country(
    client: AsyncClient, session: AsyncSession
) -> None:
    _, headers = await make_party(session)
    ok = await client.put("/api/account/company", json=_company(), headers=headers)
    assert ok.status_code == 200, ok.text
    no_vat = _company()
    del no_vat["vat_number"]
    assert (
        await client.put("/api/account/company", json=no_vat, headers=headers)
    ).status_code == 200
    bad = await client.put(
        "/api/account/company", json=_company(vat_number="DE123456789"), headers=headers
    )
    assert_error_response(bad, 422, "validation_error")


async def test_verify_suspend_and_seller_verified_flag(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await make_admin(session)
    admin_h = auth_headers(admin)
    seller, seller_h = await make_party(session)
    _, other_h = await make_party(session, role="brand")
    assert (
        await client.put("/api/account/company", json=_company(), headers=seller_h)
    ).status_code == 200
    created = await create_material(client, seller_h)
    material_id = created["material_id"]

    detail = (await client.get(f"/api/materials/{material_id}")).json()
    assert detail["seller"]["verified"] is False
    verified = await client.post(f"/api/admin/users/{seller.id}/verify", headers=admin_h)
    assert verified.status_code == 200, verified.text
    detail = (await client.get(f"/api/materials/{material_id}")).json()
    assert detail["seller"]["verified"] is True
    unverified = await client.post(f"/api/admin/users/{seller.id}/unverify", headers=admin_h)
    assert unverified.status_code == 200, unverified.text

    suspended = await client.post(
        f"/api/admin/users/{seller.id}/suspend", json={"reason": "Fraud"}, headers=admin_h
    )
    assert suspended.status_code == 200, suspended.text
    login = await client.post(
        "/api/auth/login", json={"email": seller.email, "password": DEFAULT_PASSWORD}
    )
    assert_error_response(login, 403, "account_suspended")
    assert_error_response(await client.get("/api/auth/me", headers=seller_h), 401, "unauthorized")
    assert_error_response(
        await client.get(f"/api/materials/{material_id}", headers=other_h), 404, "not_found"
    )
    search = (await client.get("/api/materials")).json()
    assert material_id not in {m["material_id"] for m in search["materials"]}
    unsuspended = await client.post(f"/api/admin/users/{seller.id}/unsuspend", headers=admin_h)
    assert unsuspended.status_code == 200, unsuspended.text
    login = await client.post(
        "/api/auth/login", json={"email": seller.email, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.text

    audit = await client.get("/api/admin/audit", headers=admin_h)
    assert audit.status_code == 200, audit.text
    assert audit.json()["total"] >= 4


async def test_reports_and_hide(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    admin_h = auth_headers(admin)
    _, seller_h = await make_party(session)
    _, reporter_h = await make_party(session, role="brand")
    material_id = (await create_material(client, seller_h))["material_id"]

    reported = await client.post(
        f"/api/materials/{material_id}/reports",
        json={"reason": "counterfeit_claim", "details": "The GOTS number belongs to another mill."},
        headers=reporter_h,
    )
    assert reported.status_code == 201, reported.text
    for reason in ("misleading_metrics", "prohibited", "other"):
        again = await client.post(
            f"/api/materials/{material_id}/reports",
            json={"reason": reason, "details": "x"},
            headers=(await make_party(session, role="brand"))[1],
        )
        assert again.status_code == 201, again.text
    bad = await client.post(
        f"/api/materials/{material_id}/reports",
        json={"reason": "spam", "details": "x"},
        headers=reporter_h,
    )
    assert_error_response(bad, 422, "validation_error")
    anonymous = await client.post(
        f"/api/materials/{material_id}/reports", json={"reason": "other", "details": "x"}
    )
    assert_error_response(anonymous, 401, "unauthorized")
    unknown = await client.post(
        f"/api/materials/{uuid.uuid4()}/reports",
        json={"reason": "other", "details": "x"},
        headers=reporter_h,
    )
    assert_error_response(unknown, 404, "not_found")

    listed = await client.get("/api/admin/reports", headers=admin_h)
    assert listed.status_code == 200, listed.text
    assert {"total", "page", "limit"} <= set(listed.json())

    hidden = await client.post(
        f"/api/admin/materials/{material_id}/hide", json={"reason": "Prohibited"}, headers=admin_h
    )
    assert hidden.status_code == 200, hidden.text
    assert_error_response(
        await client.get(f"/api/materials/{material_id}", headers=reporter_h), 404, "not_found"
    )
    own = await client.get(f"/api/materials/{material_id}", headers=seller_h)
    assert own.status_code == 200, own.text
    assert "Prohibited" in own.text
    unhidden = await client.post(f"/api/admin/materials/{material_id}/unhide", headers=admin_h)
    assert unhidden.status_code == 200, unhidden.text
    assert (await client.get(f"/api/materials/{material_id}")).status_code == 200


async def test_certificates(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    admin_h = auth_headers(admin)
    seller, seller_h = await make_party(session)
    document = await make_document(session, seller)
    body = {
        "scheme": "GOTS",
        "certificate_number": "CU-123456",
        "issuing_body": "Control Union",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "document_id": str(document.id),
    }
    created = await client.post("/api/certificates", json=body, headers=seller_h)
    assert created.status_code == 201, created.text
    data = created.json()
    assert is_uuid(data["certificate_id"])
    assert data["status"] == "pending"
    own = await client.get("/api/certificates", headers=seller_h)
    assert own.status_code == 200, own.text
    assert data["certificate_id"] in own.text
    _, other_h = await make_party(session)
    assert (
        data["certificate_id"] not in (await client.get("/api/certificates", headers=other_h)).text
    )
    unknown_doc = await client.post(
        "/api/certificates", json={**body, "document_id": str(uuid.uuid4())}, headers=seller_h
    )
    assert_error_response(unknown_doc, 404, "not_found")

    approved = await client.post(
        f"/api/admin/certificates/{data['certificate_id']}/approve", headers=admin_h
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    other = await make_certificate(session, seller)
    rejected = await client.post(
        f"/api/admin/certificates/{other.id}/reject", json={"reason": "Forged"}, headers=admin_h
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"


async def test_admin_disputes_and_stats(client: AsyncClient, session: AsyncSession) -> None:
    admin_h = auth_headers(await make_admin(session))
    listed = await client.get("/api/admin/disputes?status=open", headers=admin_h)
    assert listed.status_code == 200, listed.text
    assert {"total", "page", "limit"} <= set(listed.json())
    unknown = await client.post(
        f"/api/admin/disputes/{uuid.uuid4()}/resolve", json={"outcome": "release"}, headers=admin_h
    )
    assert_error_response(unknown, 404, "not_found")
    stats = await client.get(
        "/api/admin/stats?start_date=2026-01-01&end_date=2026-12-31", headers=admin_h
    )
    assert stats.status_code == 200, stats.text
    bad = await client.get(
        "/api/admin/stats?start_date=2026-12-31&end_date=2026-01-01", headers=admin_h
    )
    assert_error_response(bad, 400, "invalid_date_range")


async def test_admin_routes_are_403_before_the_body_is_checked(
    client: AsyncClient, session: AsyncSession
) -> None:
    _, headers = await make_party(session)
    for path, _body in ADMIN_POSTS:
        response = await client.post(path, json={"unknown": "\x00"}, headers=headers)
        assert_error_response(response, 403, "forbidden")
    not_a_uuid = await client.post("/api/admin/users/not-a-uuid/verify", headers=headers)
    assert_error_response(not_a_uuid, 403, "forbidden")


async def test_certification_verified_only_while_approved(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin_h = auth_headers(await make_admin(session))
    seller, seller_h = await make_party(session)
    certificate = await make_certificate(session, seller)
    entry = {"scheme": "GOTS", "certificate_id": str(certificate.id), "valid_until": "2030-01-01"}
    material_id = (await create_material(client, seller_h, certifications=[entry]))["material_id"]

    async def verified() -> bool:
        detail = (await client.get(f"/api/materials/{material_id}")).json()
        flag: bool = detail["certifications"][0]["verified"]
        return flag

    assert await verified() is False
    approved = await client.post(
        f"/api/admin/certificates/{certificate.id}/approve", headers=admin_h
    )
    assert approved.status_code == 200, approved.text
    assert await verified() is True
