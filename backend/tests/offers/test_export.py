"""Offers in the account data export: both sides, every round, the address on the buyer's."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from tests.factories import address, auth_headers, make_user
from tests.offers.helpers import act, make_offer

EXPORT = "/api/auth/export"


async def test_both_parties_export_the_offer(
    client: AsyncClient, session: AsyncSession, seller: User, buyer: User, material: Material
) -> None:
    offer = await make_offer(client, buyer, material, shipping_address=address())
    countered = await act(
        client, seller, offer["offer_id"], "counter", {"quantity": 50, "unit_price": 4.1}
    )
    assert countered.status_code == 200, countered.text
    stranger = await make_user(session, company_name="Stranger Co")

    async def exported(user: User) -> list[dict[str, object]]:
        response = await client.get(EXPORT, headers=auth_headers(user))
        assert response.status_code == 200
        offers: list[dict[str, object]] = response.json()["offers"]
        return offers

    (bought,) = await exported(buyer)
    (sold,) = await exported(seller)
    assert await exported(stranger) == []
    assert bought["offer_id"] == sold["offer_id"] == offer["offer_id"]
    assert (bought["role"], sold["role"]) == ("buyer", "seller")
    assert len(bought["rounds"]) == 2  # type: ignore[arg-type]
    assert bought["shipping_address"] is not None
    assert "shipping_address" not in sold
    names = {
        u["company_name"]
        for u in (await client.get(EXPORT, headers=auth_headers(buyer))).json()["users"]
    }
    assert seller.company_name in names
