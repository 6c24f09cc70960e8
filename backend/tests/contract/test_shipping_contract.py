"""The contract, "Shipping": the seller's profile, quotes, and orders priced from them."""

import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import (
    assert_error_response,
    create_material,
    make_party,
    shipping_address,
)

pytestmark = pytest.mark.usefixtures("session")
PROFILE = "/api/account/shipping-profile"


def profile(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ships_from": "IT",
        "handling_days": 2,
        "incoterm": "DAP",
        "zones": [
            {
                "name": "Iberia",
                "countries": ["PT", "ES"],
                "base_price": 20,
                "price_per_kg": 0.5,
                "free_over": 10000,
                "transit_days_min": 3,
                "transit_days_max": 5,
            }
        ],
        "pickup_available": True,
    }
    body.update(overrides)
    return body


async def test_profile_roles_and_404(client: AsyncClient, session: AsyncSession) -> None:
    _, brand_h = await make_party(session, role="brand")
    assert_error_response(await client.get(PROFILE, headers=brand_h), 403, "forbidden")
    assert_error_response(
        await client.put(PROFILE, json=profile(), headers=brand_h), 403, "forbidden"
    )
    _, seller_h = await make_party(session)
    assert_error_response(await client.get(PROFILE, headers=seller_h), 404, "not_found")
    saved = await client.put(PROFILE, json=profile(), headers=seller_h)
    assert saved.status_code == 200, saved.text
    assert saved.json()["incoterm"] == "DAP"
    assert (await client.get(PROFILE, headers=seller_h)).json()["zones"][0]["countries"] == [
        "PT",
        "ES",
    ]
    overlap = profile()
    overlap["zones"].append({**overlap["zones"][0], "name": "Spain"})
    assert_error_response(
        await client.put(PROFILE, json=overlap, headers=seller_h), 422, "validation_error"
    )
    for bad in ({"handling_days": 61}, {"incoterm": "CIF"}):
        response = await client.put(PROFILE, json=profile(**bad), headers=seller_h)
        assert_error_response(response, 422, "validation_error")


async def test_quote_and_order(client: AsyncClient, session: AsyncSession) -> None:
    _, seller_h = await make_party(session)
    _, buyer_h = await make_party(session, role="brand")
    listing = await create_material(client, seller_h)
    material_id = listing["material_id"]
    quote_url = f"/api/materials/{material_id}/shipping-quote"

    arranged = await client.get(quote_url, params={"country": "PT", "quantity": 10})
    assert arranged.status_code == 200, arranged.text
    assert arranged.json()["shipping_price"] == 0
    assert arranged.json()["shipping_method"] == "arranged_by_seller"

    assert (await client.put(PROFILE, json=profile(), headers=seller_h)).status_code == 200
    quote = await client.get(quote_url, params={"country": "PT", "quantity": 10})
    assert quote.status_code == 200, quote.text
    data = quote.json()
    assert data["shipping_method"] == "zone"
    assert data["currency"] == "EUR"
    assert data["incoterm"] == "DAP"
    assert data["weight_kg"] == 4.8
    assert data["shipping_price"] == 22.4
    assert data["estimated_days"] == {"min": 5, "max": 7}
    outside = await client.get(quote_url, params={"country": "JP", "quantity": 10})
    assert_error_response(outside, 422, "not_shipped_to_country")
    for params in ({"country": "PT"}, {"country": "PT", "quantity": "x"}, {"quantity": 10}):
        response = await client.get(quote_url, params=params)
        assert response.status_code == 400, (params, response.text)
    unknown = await client.get(
        f"/api/materials/{uuid.uuid4()}/shipping-quote", params={"country": "PT", "quantity": 10}
    )
    assert_error_response(unknown, 404, "not_found")

    order = await client.post(
        "/api/transactions",
        json={"material_id": material_id, "quantity": 10, "shipping_address": shipping_address()},
        headers=buyer_h,
    )
    assert order.status_code == 201, order.text
    created = order.json()
    assert created["goods_total"] == 64
    assert created["shipping_price"] == 22.4
    assert created["shipping_method"] == "zone"
    assert created["total"] == 86.4
    japan = await client.post(
        "/api/transactions",
        json={
            "material_id": material_id,
            "quantity": 10,
            "shipping_address": {**shipping_address(), "country": "JP"},
        },
        headers=buyer_h,
    )
    assert_error_response(japan, 422, "not_shipped_to_country")
    pickup = await client.post(
        "/api/transactions",
        json={"material_id": material_id, "quantity": 10, "pickup": True},
        headers=buyer_h,
    )
    assert pickup.status_code == 201, pickup.text
    assert pickup.json()["shipping_method"] == "pickup"
    assert pickup.json()["total"] == 64
