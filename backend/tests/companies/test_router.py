"""Company details (PUT/GET /api/account/company), VAT formats, and the operator's
verification showing as `verified` on every seller object."""

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit.models import AdminAction
from fabricloop.notifications.models import Notification
from tests.factories import auth_headers, make_admin, make_material, make_transaction, make_user

COMPANY = {
    "legal_name": "Têxteis do Ave, Lda",
    "registration_number": "PT-514 123 456",
    "vat_number": "PT 501 964 843",
    "country": "PT",
    "address": "Rua da Fábrica 12\n4760-001 Vila Nova de Famalicão",
}


async def put(client: AsyncClient, headers: dict[str, str], **changes: object) -> Response:
    return await client.put("/api/account/company", json={**COMPANY, **changes}, headers=headers)


async def test_put_then_get(client: AsyncClient, session: AsyncSession) -> None:
    user = await make_user(session)
    headers = auth_headers(user)
    assert (await client.get("/api/account/company", headers=headers)).status_code == 404
    response = await put(client, headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["vat_number"] == "PT501964843"
    assert body["verified"] is False
    assert body["verified_at"] is None
    got = await client.get("/api/account/company", headers=headers)
    assert got.json() == body
    again = await put(client, headers, address="Rua Nova 1\n4000-001 Porto")
    assert again.json()["address"] == "Rua Nova 1\n4000-001 Porto"
    none = await put(client, headers, vat_number=None)
    assert none.json()["vat_number"] is None


@pytest.mark.parametrize(
    ("country", "given", "stored"),
    [
        ("DE", "DE136695976", "DE136695976"),
        ("DE", "136 695 976", "DE136695976"),
        ("GR", "094259216", "EL094259216"),
        ("FR", "FR 40 303 265 045", "FR40303265045"),
        ("NL", "NL004495445B01", "NL004495445B01"),
        ("AT", "ATU13585627", "ATU13585627"),
        ("GB", "GB 980 7806 84", "GB980780684"),
        ("CH", "CHE-113.564.778 MWST", "CHE113564778MWST"),
        ("CH", "CHE-113.564.778", "CHE113564778MWST"),
        ("NO", "974 760 673", "NO974760673MVA"),
        ("US", "12-3456789", "123456789"),
    ],
)
async def test_vat_numbers_of_the_right_shape(
    client: AsyncClient, session: AsyncSession, country: str, given: str, stored: str
) -> None:
    user = await make_user(session)
    response = await put(client, auth_headers(user), country=country, vat_number=given)
    assert response.status_code == 200, response.text
    assert response.json()["vat_number"] == stored


@pytest.mark.parametrize(
    ("country", "given"),
    [
        ("DE", "DE136695977"),  # check digit
        ("DE", "FR40303265045"),  # another member state's number
        ("DE", "12345"),
        ("PT", "PT501964842"),
        ("GR", "EL094259217"),
        ("GB", "GB123"),
        ("GB", "DE136695976"),
        ("CH", "CHE-113.564.779"),
        ("NO", "974760674"),
        ("US", "!!"),
        ("FR", "Ünïcode"),
    ],
)
async def test_vat_numbers_of_the_wrong_shape_are_422(
    client: AsyncClient, session: AsyncSession, country: str, given: str
) -> None:
    user = await make_user(session)
    response = await put(client, auth_headers(user), country=country, vat_number=given)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "vat_number"
    assert (await client.get("/api/account/company", headers=auth_headers(user))).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {**COMPANY, "legal_name": "X"},
        {**COMPANY, "legal_name": "A" * 201},
        {**COMPANY, "legal_name": "Nul\x00Ltd"},
        {**COMPANY, "address": "tiny"},
        {**COMPANY, "address": "a" * 501},
        {**COMPANY, "country": "XX"},
        {**COMPANY, "country": 12},
        {**COMPANY, "vat_number": "x" * 41},
        {**COMPANY, "vat_number": "PT\x00501964843"},
        {**COMPANY, "registration_number": ""},
        {**COMPANY, "verified": True},
        {k: v for k, v in COMPANY.items() if k != "address"},
    ],
)
async def test_bad_bodies_are_422(
    client: AsyncClient, session: AsyncSession, body: dict[str, object]
) -> None:
    user = await make_user(session)
    response = await client.put("/api/account/company", json=body, headers=auth_headers(user))
    assert response.status_code == 422


async def test_needs_a_token(client: AsyncClient) -> None:
    assert (await client.get("/api/account/company")).status_code == 401
    assert (await client.put("/api/account/company", json=COMPANY)).status_code == 401


async def test_verification_shows_on_every_seller_object(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await make_admin(session)
    seller = await make_user(session)
    buyer = await make_user(session, role="brand")
    material = await make_material(session, seller, title="Verified denim offcuts")
    transaction = await make_transaction(session, material, buyer)
    await put(client, auth_headers(seller))

    async def sellers_verified() -> set[bool]:
        detail = await client.get(f"/api/materials/{material.id}")
        found = await client.get("/api/materials", params={"q": "verified denim"})
        plain = await client.get("/api/materials", params={"seller_id": str(seller.id)})
        order = await client.get(f"/api/transactions/{transaction.id}", headers=auth_headers(buyer))
        store = await client.get(f"/api/sellers/{seller.id}")
        return {
            detail.json()["seller"]["verified"],
            found.json()["materials"][0]["seller"]["verified"],
            plain.json()["materials"][0]["seller"]["verified"],
            order.json()["seller"]["verified"],
            store.json()["verified"],
            store.json()["materials"][0]["seller"]["verified"],
        }

    assert await sellers_verified() == {False}  # and now cached
    only = await client.get("/api/materials", params={"verified_only": "true", "q": "denim"})
    assert only.json()["total"] == 0
    verified = await client.post(
        f"/api/admin/users/{seller.id}/verify", headers=auth_headers(admin)
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True
    assert await sellers_verified() == {True}
    only = await client.get("/api/materials", params={"verified_only": "true", "q": "denim"})
    assert [m["material_id"] for m in only.json()["materials"]] == [str(material.id)]
    only = await client.get("/api/materials", params={"verified_only": "true"})
    assert [m["material_id"] for m in only.json()["materials"]] == [str(material.id)]
    assert (
        await client.get("/api/materials", params={"verified_only": "maybe"})
    ).status_code == 400
    notice = await session.scalar(select(Notification).where(Notification.user_id == seller.id))
    assert notice is not None
    assert notice.kind == "account_verified"
    entry = await session.scalar(select(AdminAction).where(AdminAction.target_id == seller.id))
    assert entry is not None
    assert (entry.action, entry.admin_id) == ("user.verify", admin.id)

    twice = await client.post(f"/api/admin/users/{seller.id}/verify", headers=auth_headers(admin))
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_verified"
    # A new identity is a new company: verified no more.
    changed = await put(client, auth_headers(seller), legal_name="Another Company, Lda")
    assert changed.json()["verified"] is False
    assert await sellers_verified() == {False}


async def test_unverify(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    seller = await make_user(session)
    material = await make_material(session, seller)
    await put(client, auth_headers(seller))
    headers = auth_headers(admin)
    not_yet = await client.post(f"/api/admin/users/{seller.id}/unverify", headers=headers)
    assert not_yet.status_code == 409
    assert not_yet.json()["error"]["code"] == "not_verified"
    await client.post(f"/api/admin/users/{seller.id}/verify", headers=headers)
    assert (await client.get(f"/api/materials/{material.id}")).json()["seller"]["verified"]
    response = await client.post(
        f"/api/admin/users/{seller.id}/unverify",
        json={"reason": "Registration lapsed"},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["verified"] is False
    assert not (await client.get(f"/api/materials/{material.id}")).json()["seller"]["verified"]
    entry = await session.scalar(select(AdminAction).where(AdminAction.action == "user.unverify"))
    assert entry is not None
    assert entry.reason == "Registration lapsed"


async def test_verify_errors(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    bare = await make_user(session)
    headers = auth_headers(admin)
    missing = await client.post(f"/api/admin/users/{bare.id}/verify", headers=headers)
    assert missing.status_code == 409
    assert missing.json()["error"]["code"] == "company_details_missing"
    unknown = await client.post(
        "/api/admin/users/00000000-0000-0000-0000-000000000000/verify", headers=headers
    )
    assert unknown.status_code == 404
    assert (await client.post("/api/admin/users/nope/verify", headers=headers)).status_code == 404
    extra = await client.post(
        f"/api/admin/users/{bare.id}/unverify", json={"why": "x"}, headers=headers
    )
    assert extra.status_code == 422
