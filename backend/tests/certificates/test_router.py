"""Certificates: a seller submits one with its evidence, an operator approves or rejects it
(each action in the audit log), and the seller reads their own."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.certificates.models import Certificate
from tests.asserts import assert_error
from tests.certificates.helpers import ADMIN, audit_actions, days, kinds, review, today
from tests.factories import auth_headers, make_admin, make_certificate, make_document, make_user

URL = "/api/certificates"


@pytest.fixture
async def seller(session: AsyncSession) -> User:
    return await make_user(session, company_name="Certified Mill")


@pytest.fixture
async def admin(session: AsyncSession) -> User:
    return await make_admin(session)


async def body(session: AsyncSession, owner: User, **overrides: Any) -> dict[str, Any]:
    document = await make_document(session, owner)
    values: dict[str, Any] = {
        "scheme": "gots",
        "certificate_number": "CU 123456",
        "issuing_body": "Control Union",
        "valid_from": days(-100),
        "valid_until": days(265),
        "document_id": str(document.id),
    }
    values.update(overrides)
    return values


class TestCreate:
    async def test_created_pending(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        sent = await body(session, seller)
        response = await client.post(URL, json=sent, headers=auth_headers(seller))
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["status"] == "pending"
        row = await session.get(Certificate, uuid.UUID(data["certificate_id"]))
        assert row is not None
        assert (row.owner_id, row.scheme, row.status) == (seller.id, "GOTS", "pending")

    async def test_brand_is_403(self, client: AsyncClient, session: AsyncSession) -> None:
        brand = await make_user(session, role="brand")
        response = await client.post(
            URL, json=await body(session, brand), headers=auth_headers(brand)
        )
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")

    async def test_without_token_is_401(self, client: AsyncClient, session: AsyncSession) -> None:
        seller = await make_user(session)
        assert (await client.post(URL, json=await body(session, seller))).status_code == 401

    async def test_someone_elses_document_is_404(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        other = await make_user(session)
        sent = await body(session, other)
        response = await client.post(URL, json=sent, headers=auth_headers(seller))
        assert response.status_code == 404
        unknown = await body(session, seller, document_id=str(uuid.uuid4()))
        response = await client.post(URL, json=unknown, headers=auth_headers(seller))
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("scheme", "Made-up scheme"),
            ("certificate_number", ""),
            ("certificate_number", "x" * 101),
            ("certificate_number", "CU\x00123"),
            ("issuing_body", "   "),
            ("valid_from", "2026-02-30"),
            ("valid_until", 20270101),
            ("document_id", "not-a-uuid"),
            ("status", "approved"),
        ],
    )
    async def test_bad_fields_are_422(
        self, client: AsyncClient, session: AsyncSession, seller: User, field: str, value: Any
    ) -> None:
        sent = await body(session, seller, **{field: value})
        response = await client.post(URL, json=sent, headers=auth_headers(seller))
        assert response.status_code == 422, response.text
        assert_error(response.json(), "validation_error")

    async def test_validity_ending_before_it_starts_is_422(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        sent = await body(session, seller, valid_from=days(10), valid_until=days(9))
        response = await client.post(URL, json=sent, headers=auth_headers(seller))
        assert response.status_code == 422

    async def test_missing_field_is_422(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        sent = await body(session, seller)
        del sent["issuing_body"]
        response = await client.post(URL, json=sent, headers=auth_headers(seller))
        assert response.status_code == 422

    async def test_unicode_is_kept(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        sent = await body(session, seller, issuing_body="Öko-Institut — Zürich 認証")
        response = await client.post(URL, json=sent, headers=auth_headers(seller))
        assert response.status_code == 201
        listed = await client.get(URL, headers=auth_headers(seller))
        assert listed.json()["certificates"][0]["issuing_body"] == "Öko-Institut — Zürich 認証"


class TestListOwn:
    async def test_only_the_callers(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        mine = await make_certificate(session, seller, status="approved")
        await make_certificate(session, await make_user(session))
        response = await client.get(URL, headers=auth_headers(seller))
        assert response.status_code == 200
        data = response.json()
        assert (data["total"], data["page"], data["limit"]) == (1, 1, 20)
        (item,) = data["certificates"]
        assert item["certificate_id"] == str(mine.id)
        assert (item["status"], item["verified"]) == ("approved", True)
        assert item["document"]["download_url"] == f"/api/documents/{mine.document_id}"

    async def test_approved_but_past_its_validity_reads_expired(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        await make_certificate(
            session,
            seller,
            status="approved",
            valid_from=today() - timedelta(days=400),
            valid_until=today() - timedelta(days=1),
        )
        (item,) = (await client.get(URL, headers=auth_headers(seller))).json()["certificates"]
        assert (item["status"], item["verified"]) == ("expired", False)

    async def test_bad_page_is_400(self, client: AsyncClient, seller: User) -> None:
        response = await client.get(f"{URL}?page=0", headers=auth_headers(seller))
        assert response.status_code == 400


class TestReview:
    async def test_queue_shows_holder_and_evidence(
        self, client: AsyncClient, session: AsyncSession, seller: User, admin: User
    ) -> None:
        pending = await make_certificate(session, seller)
        await make_certificate(session, seller, status="approved")
        response = await client.get(f"{ADMIN}?status=pending", headers=auth_headers(admin))
        assert response.status_code == 200, response.text
        items = response.json()["certificates"]
        assert str(pending.id) in {i["certificate_id"] for i in items}
        assert all(i["status"] == "pending" for i in items)
        mine = next(i for i in items if i["certificate_id"] == str(pending.id))
        assert mine["holder"] == {
            "user_id": str(seller.id),
            "company_name": "Certified Mill",
            "email": seller.email,
        }

    async def test_unknown_status_filter_is_400(self, client: AsyncClient, admin: User) -> None:
        response = await client.get(f"{ADMIN}?status=lost", headers=auth_headers(admin))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_query")

    async def test_approve(
        self, client: AsyncClient, session: AsyncSession, seller: User, admin: User
    ) -> None:
        certificate = await make_certificate(session, seller)
        response = await review(client, admin, certificate.id, "approve")
        assert response.status_code == 200, response.text
        data = response.json()
        assert (data["status"], data["verified"]) == ("approved", True)
        assert data["reviewed_at"] is not None
        assert await audit_actions(client, admin, certificate.id) == ["certificate.approve"]
        assert "certificate_reviewed" in await kinds(client, seller)

    async def test_approving_an_expired_certificate_is_409(
        self, client: AsyncClient, session: AsyncSession, seller: User, admin: User
    ) -> None:
        certificate = await make_certificate(
            session,
            seller,
            valid_from=today() - timedelta(days=400),
            valid_until=today() - timedelta(days=1),
        )
        response = await review(client, admin, certificate.id, "approve")
        assert response.status_code == 409
        assert_error(response.json(), "certificate_expired")
        await session.refresh(certificate)
        assert certificate.status == "pending"
        assert await audit_actions(client, admin, certificate.id) == []

    async def test_approving_twice_is_409(
        self, client: AsyncClient, session: AsyncSession, seller: User, admin: User
    ) -> None:
        certificate = await make_certificate(session, seller)
        assert (await review(client, admin, certificate.id, "approve")).status_code == 200
        again = await review(client, admin, certificate.id, "approve")
        assert again.status_code == 409
        assert_error(again.json(), "invalid_transition")

    async def test_reject_with_reason(
        self, client: AsyncClient, session: AsyncSession, seller: User, admin: User
    ) -> None:
        certificate = await make_certificate(session, seller)
        response = await review(
            client, admin, certificate.id, "reject", reason="The scan is illegible."
        )
        assert response.status_code == 200, response.text
        data = response.json()
        assert (data["status"], data["rejection_reason"]) == ("rejected", "The scan is illegible.")
        assert await audit_actions(client, admin, certificate.id) == ["certificate.reject"]
        own = (await client.get(URL, headers=auth_headers(seller))).json()["certificates"]
        assert own[0]["rejection_reason"] == "The scan is illegible."
        again = await review(client, admin, certificate.id, "reject", reason="Again.")
        assert again.status_code == 409

    async def test_an_approval_can_be_withdrawn(
        self, client: AsyncClient, session: AsyncSession, seller: User, admin: User
    ) -> None:
        certificate = await make_certificate(session, seller, status="approved")
        response = await review(client, admin, certificate.id, "reject", reason="Revoked by GOTS.")
        assert response.status_code == 200
        assert response.json()["verified"] is False

    @pytest.mark.parametrize(
        "sent", [{}, {"reason": ""}, {"reason": "x" * 501}, {"reason": "ok", "extra": 1}]
    )
    async def test_reject_needs_a_reason(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        admin: User,
        sent: dict[str, Any],
    ) -> None:
        certificate = await make_certificate(session, seller)
        response = await client.post(
            f"{ADMIN}/{certificate.id}/reject", json=sent, headers=auth_headers(admin)
        )
        assert response.status_code == 422

    @pytest.mark.parametrize("verb", ["approve", "reject"])
    async def test_unknown_certificate_is_404(
        self, client: AsyncClient, admin: User, verb: str
    ) -> None:
        response = await review(client, admin, uuid.uuid4(), verb, reason="No.")
        assert response.status_code == 404

    @pytest.mark.parametrize("role", ["manufacturer", "brand"])
    async def test_others_are_403(
        self, client: AsyncClient, session: AsyncSession, seller: User, role: str
    ) -> None:
        certificate = await make_certificate(session, seller)
        user = await make_user(session, role=role)
        headers = auth_headers(user)
        assert (await client.get(ADMIN, headers=headers)).status_code == 403
        assert (await review(client, user, certificate.id, "approve")).status_code == 403
        assert (await client.post(f"{ADMIN}/{certificate.id}/approve")).status_code == 401
        await session.refresh(certificate)
        assert certificate.status == "pending"
