"""Shared by the shipping tests: a realistic profile of a mill in Porto."""

from typing import Any

from httpx import AsyncClient

PROFILE = "/api/account/shipping-profile"


def zone(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "EU",
        "countries": ["DE", "FR", "ES", "NL"],
        "base_price": 25,
        "price_per_kg": 0.8,
        "free_over": 2000,
        "transit_days_min": 2,
        "transit_days_max": 5,
    }
    body.update(overrides)
    return body


def profile(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ships_from": "PT",
        "handling_days": 2,
        "incoterm": "DAP",
        "zones": [
            zone(),
            zone(
                name="UK",
                countries=["GB"],
                base_price=45,
                price_per_kg=1.5,
                free_over=None,
                transit_days_min=3,
                transit_days_max=7,
            ),
        ],
        "pickup_available": True,
    }
    body.update(overrides)
    return body


async def put_profile(
    client: AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.put(PROFILE, json=profile(**overrides), headers=headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data
