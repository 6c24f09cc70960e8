"""The contract, "Passports that standards accept": the signed credential and GS1 links."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import assert_error_response, create_material, make_party

pytestmark = pytest.mark.usefixtures("session")


async def test_credential_did_and_unknown_gtin(client: AsyncClient, session: AsyncSession) -> None:
    _, seller_h = await make_party(session)
    material_id = (await create_material(client, seller_h))["material_id"]
    untp = await client.get(f"/api/passports/{material_id}/untp.json")
    assert untp.status_code == 200, untp.text
    assert untp.json()["issuer"]["id"].startswith("did:web:")
    jwt = await client.get(f"/api/passports/{material_id}/credential.jwt")
    assert jwt.status_code == 200, jwt.text
    assert jwt.headers["content-type"].startswith("application/vc+jwt")
    assert jwt.text.count(".") == 2
    did = await client.get("/.well-known/did.json")
    assert did.status_code == 200
    assert did.json()["id"].startswith("did:web:")
    unknown = await client.get("/01/09506000134352", headers={"Accept": "application/ld+json"})
    assert_error_response(unknown, 404, "not_found")
