"""Shared by the transaction and payment tests."""

import uuid
from typing import Any

from httpx import AsyncClient

TRANSACTIONS = "/api/transactions"


def address(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "recipient_name": "Receiving dock",
        "line1": "1 Mill Street",
        "city": "Porto",
        "postal_code": "4000-001",
        "country": "PT",
    }
    body.update(overrides)
    return body


def order(material_id: uuid.UUID | str, quantity: Any = 10, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "material_id": str(material_id),
        "quantity": quantity,
        "shipping_address": address(),
    }
    body.update(overrides)
    return body


def assert_error(response_json: dict[str, Any], code: str) -> None:
    error = response_json["error"]
    assert error["code"] == code, error
    assert error["request_id"]
    assert "Traceback" not in str(error)


async def buy(
    client: AsyncClient, headers: dict[str, str], material_id: uuid.UUID, quantity: Any = 10
) -> dict[str, Any]:
    response = await client.post(TRANSACTIONS, json=order(material_id, quantity), headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data
