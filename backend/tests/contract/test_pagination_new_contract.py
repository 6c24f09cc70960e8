"""The contract, "Pagination", on the lists the newer sections added."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import assert_error_response, make_party
from tests.factories import auth_headers, make_admin

pytestmark = pytest.mark.usefixtures("session")

SELLER_LISTS = [
    "/api/offers",
    "/api/saved-searches",
    "/api/certificates",
    "/api/payouts",
    "/api/notifications",
]
ADMIN_LISTS = [
    "/api/admin/users",
    "/api/admin/audit",
    "/api/admin/reports",
    "/api/admin/certificates",
    "/api/admin/disputes",
]


async def test_defaults_clamp_and_bad_values(client: AsyncClient, session: AsyncSession) -> None:
    _, seller_h = await make_party(session)
    admin_h = auth_headers(await make_admin(session))
    lists = [(path, seller_h) for path in SELLER_LISTS] + [(p, admin_h) for p in ADMIN_LISTS]
    for path, headers in lists:
        default = await client.get(path, headers=headers)
        assert default.status_code == 200, (path, default.text)
        assert (default.json()["page"], default.json()["limit"]) == (1, 20), path
        clamped = await client.get(path, params={"limit": 500}, headers=headers)
        assert clamped.status_code == 200, (path, clamped.text)
        assert clamped.json()["limit"] == 100, path
        assert isinstance(clamped.json()["total"], int), path
        for bad in ({"page": 0}, {"limit": 0}, {"page": "x"}, {"limit": "1.5"}):
            response = await client.get(path, params=bad, headers=headers)
            assert response.status_code == 400, (path, bad, response.text)
            assert_error_response(response, 400, response.json()["error"]["code"])
