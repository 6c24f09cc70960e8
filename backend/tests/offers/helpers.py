"""Offers made through the API."""

import uuid
from typing import Any

from httpx import AsyncClient, Response

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from tests.factories import auth_headers

OFFERS = "/api/offers"


def offer_body(material_id: uuid.UUID, /, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "material_id": str(material_id),
        "quantity": 50,
        "unit_price": 3.9,
        "currency": "EUR",
    }
    body.update(overrides)
    return body


async def make_offer(
    client: AsyncClient, buyer: User, material: Material, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        OFFERS, json=offer_body(material.id, **overrides), headers=auth_headers(buyer)
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def act(
    client: AsyncClient, who: User, offer_id: str, action: str, body: dict[str, Any] | None = None
) -> Response:
    return await client.post(f"{OFFERS}/{offer_id}/{action}", json=body, headers=auth_headers(who))
