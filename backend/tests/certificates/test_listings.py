"""Listings reference certificates: a certification is `verified` only while its certificate
is approved and valid (judged when read, the cache retired by every review), only the
seller's own certificates may be referenced, passports tell verified claims from
self-declared ones, and the daily job records expiry and warns 30 days before."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.certificates import service as certificates
from fabricloop.certificates.models import Certificate
from fabricloop.core.cache import Cache
from tests.asserts import assert_error
from tests.certificates.helpers import kinds, review, today
from tests.factories import auth_headers, make_admin, make_certificate, make_material, make_user
from tests.materials.conftest import MATERIALS, listing


@pytest.fixture
async def seller(session: AsyncSession) -> User:
    return await make_user(session)


@pytest.fixture
async def admin(session: AsyncSession) -> User:
    return await make_admin(session)


def cache_of(app: FastAPI) -> Cache:
    cache: Cache = app.state.cache
    return cache


def reference(certificate: Certificate, scheme: str | None = None) -> dict[str, Any]:
    return {"scheme": scheme or certificate.scheme, "certificate_id": str(certificate.id)}


async def create(client: AsyncClient, seller: User, certifications: list[Any]) -> Any:
    return await client.post(
        MATERIALS, json=listing(certifications=certifications), headers=auth_headers(seller)
    )


async def certifications(client: AsyncClient, material_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"{MATERIALS}/{material_id}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["certifications"]
    return items


class TestReferences:
    async def test_verified_once_approved_and_the_cached_detail_follows(
        self, client: AsyncClient, session: AsyncSession, seller: User, admin: User
    ) -> None:
        certificate = await make_certificate(session, seller)
        created = await create(
            client,
            seller,
            [reference(certificate), {"scheme": "GRS", "certificate_id": "GRS-778"}],
        )
        assert created.status_code == 201, created.text
        material_id = created.json()["material_id"]
        pending, declared = await certifications(client, material_id)  # now cached
        assert pending["verified"] is False
        assert declared["verified"] is False
        assert (await review(client, admin, certificate.id, "approve")).status_code == 200
        approved, declared = await certifications(client, material_id)
        assert approved["verified"] is True
        assert approved["valid_until"] == certificate.valid_until.isoformat()
        assert approved["verified_at"] is not None
        assert declared["verified"] is False
        withdrawn = await review(client, admin, certificate.id, "reject", reason="Revoked.")
        assert withdrawn.status_code == 200
        assert (await certifications(client, material_id))[0]["verified"] is False

    async def test_any_uuid_spelling_is_one_reference(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        certificate = await make_certificate(session, seller, status="approved")
        shouted = {"scheme": "GOTS", "certificate_id": str(certificate.id).upper()}
        created = await create(client, seller, [shouted])
        assert created.status_code == 201, created.text
        (item,) = await certifications(client, created.json()["material_id"])
        assert (item["certificate_id"], item["verified"]) == (str(certificate.id), True)

    async def test_another_sellers_certificate_is_404(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        theirs = await make_certificate(session, await make_user(session), status="approved")
        response = await create(client, seller, [reference(theirs)])
        assert response.status_code == 404
        assert_error(response.json(), "not_found")
        unknown = {"scheme": "GOTS", "certificate_id": str(uuid.uuid4())}
        assert (await create(client, seller, [unknown])).status_code == 404

    async def test_another_scheme_is_422(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        certificate = await make_certificate(session, seller, scheme="GOTS")
        response = await create(client, seller, [reference(certificate, "GRS")])
        assert response.status_code == 422
        details = response.json()["error"]["details"]
        assert details[0]["field"] == "certifications.0.scheme"

    async def test_edits_are_checked_too(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        theirs = await make_certificate(session, await make_user(session))
        body = {"certifications": [reference(theirs)]}
        patched = await client.put(
            f"{MATERIALS}/{material.id}", json=body, headers=auth_headers(seller)
        )
        assert patched.status_code == 404
        passport = await client.put(
            f"/api/passports/{material.id}", json=body, headers=auth_headers(seller)
        )
        assert passport.status_code == 404
        mine = await make_certificate(session, seller, status="approved")
        ok = await client.put(
            f"/api/passports/{material.id}",
            json={"certifications": [reference(mine)]},
            headers=auth_headers(seller),
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["certifications"][0]["verified"] is True

    async def test_expired_is_not_verified_when_read(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        certificate = await make_certificate(session, seller, status="approved")
        created = await create(client, seller, [reference(certificate)])
        material_id = created.json()["material_id"]
        # The validity ends before the daily job runs: the reader is not misled meanwhile.
        certificate.valid_until = today() - timedelta(days=1)
        certificate.valid_from = today() - timedelta(days=300)
        await session.flush()
        passport = await client.get(f"/api/passports/{material_id}")
        assert passport.json()["certifications"][0]["verified"] is False


class TestPassports:
    async def test_verified_and_self_declared_claims_differ(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        certificate = await make_certificate(session, seller, status="approved")
        material = await make_material(
            session,
            seller,
            certifications=[
                {**reference(certificate), "valid_until": None},
                {"scheme": "GRS", "certificate_id": "GRS-1", "valid_until": None},
            ],
        )
        response = await client.get(f"/api/passports/{material.id}/untp.json")
        assert response.status_code == 200, response.text
        verified, declared = response.json()["credentialSubject"]["conformityClaim"]
        assert "(verified:" in verified["description"]
        assert verified["assessmentDate"] == today().isoformat()
        assert "self-declared" in declared["description"]
        assert "assessmentDate" not in declared
        page = await client.get(f"/api/passports/{material.id}")
        flags = [c["verified"] for c in page.json()["certifications"]]
        assert flags == [True, False]


class TestDailyJob:
    async def test_expiry_is_recorded_and_the_seller_told(
        self, app: FastAPI, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        lapsed = await make_certificate(
            session,
            seller,
            status="approved",
            valid_from=today() - timedelta(days=400),
            valid_until=today() - timedelta(days=1),
        )
        material = await make_material(session, seller, certifications=[reference(lapsed)])
        assert await certificates.check_expiry(session, cache=cache_of(app)) >= 1
        await session.refresh(lapsed)
        assert lapsed.status == "expired"
        assert "certificate_expired" in await kinds(client, seller)
        (item,) = await certifications(client, str(material.id))
        assert item["verified"] is False

    async def test_warned_once_30_days_before(
        self, app: FastAPI, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        soon = await make_certificate(
            session, seller, status="approved", valid_until=today() + timedelta(days=30)
        )
        later = await make_certificate(
            session, seller, status="approved", valid_until=today() + timedelta(days=31)
        )
        pending = await make_certificate(session, seller, valid_until=today() + timedelta(days=5))
        await certificates.check_expiry(session, cache=cache_of(app))
        await certificates.check_expiry(session, cache=cache_of(app))
        assert (await kinds(client, seller)).count("certificate_expiring") == 1
        for certificate in (soon, later, pending):
            await session.refresh(certificate)
        assert soon.expiry_notified_at is not None
        assert later.expiry_notified_at is None
        assert pending.expiry_notified_at is None
        assert soon.status == "approved"

    async def test_the_job_is_scheduled_daily(self, settings: Any) -> None:
        from fabricloop.worker import schedules

        assert schedules(settings)["check_certificates"] == "0 0 * * * 30"
