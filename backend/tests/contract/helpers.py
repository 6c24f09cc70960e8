"""Black-box helpers: what an external client of the API can check from the outside."""

import re
import uuid
from datetime import datetime
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from tests.asserts import assert_error
from tests.factories import DEFAULT_PASSWORD, address, auth_headers, make_user
from tests.images.samples import jpeg

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def assert_timestamp(value: object) -> None:
    assert isinstance(value, str), value
    assert RFC3339_UTC.match(value), value
    datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_number(value: object) -> None:
    """Money and quantities are JSON numbers (never strings, never booleans)."""
    assert isinstance(value, int | float), value
    assert not isinstance(value, bool), value


def assert_money(value: object) -> None:
    assert_number(value)
    assert round(float(value), 2) == float(value)  # type: ignore[arg-type]


def assert_snake_keys(data: object) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            assert SNAKE.match(key), key
            assert_snake_keys(value)
    elif isinstance(data, list):
        for item in data:
            assert_snake_keys(item)


def assert_error_response(response: Response, status: int, code: str) -> dict[str, Any]:
    """assert_error, and more of the contract: the status, nothing beside the error, a
    message, the request id of the response's header, well-formed details."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"}, body
    error = assert_error(body, code)
    assert isinstance(error["message"], str)
    assert error["message"]
    assert error["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    if "details" in error and error["details"] is not None:
        for detail in error["details"]:
            assert set(detail) >= {"field", "message"}
    return dict(error)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register_and_login(
    client: AsyncClient, role: str = "manufacturer", company: str = "Contract Mills"
) -> dict[str, Any]:
    email = f"contract-{uuid.uuid4().hex[:10]}@example.com"
    registered = await client.post(
        "/api/auth/register",
        json={"email": email, "password": DEFAULT_PASSWORD, "company_name": company, "role": role},
    )
    assert registered.status_code == 201, registered.text
    login = await client.post(
        "/api/auth/login", json={"email": email, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.text
    data = dict(login.json())
    data["headers"] = bearer(data["token"])
    data["company_name"] = company
    client.cookies.clear()
    return data


def material_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Recycled wool melton offcuts",
        "description": "Heavy melton, 480 gsm, post-industrial offcuts.",
        "material_type": "recycled_wool",
        "source_type": "post_industrial",
        "quantity": 120.5,
        "unit": "m",
        "kg_per_unit": 0.48,
        "price": 6.4,
        "currency": "EUR",
        "min_order_quantity": 5,
        "composition": [
            {"fibre": "recycled_wool", "percent": 80},
            {"fibre": "nylon", "percent": 20},
        ],
        "color": "charcoal",
        "origin_country": "IT",
        "manufacture_date": "2025-03-01",
        "certifications": [
            {"scheme": "GRS", "certificate_id": "GRS-123456", "valid_until": "2027-01-31"}
        ],
        "sustainability_metrics": {
            "carbon_footprint": 2.1,
            "water_usage": 120,
            "chemical_composition": [
                {"name": "Formaldehyde", "cas_number": "50-00-0", "concentration_ppm": 4.5}
            ],
        },
        "supply_chain": [
            {
                "stage": "weaving",
                "company": "Lanificio Prato",
                "country": "IT",
                "date": "2025-02-01",
            }
        ],
    }
    body.update(overrides)
    return body


async def create_material(
    client: AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post("/api/materials", json=material_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def upload_image(client: AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post(
        "/api/images",
        files={"file": ("photo.jpg", jpeg((800, 600)), "image/jpeg")},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def shipping_address() -> dict[str, Any]:
    return address(recipient_name="Goods in")


async def create_transaction(
    client: AsyncClient, headers: dict[str, str], material_id: str, quantity: float = 10
) -> dict[str, Any]:
    response = await client.post(
        "/api/transactions",
        json={
            "material_id": material_id,
            "quantity": quantity,
            "shipping_address": shipping_address(),
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def pay(
    client: AsyncClient,
    headers: dict[str, str],
    transaction_id: str,
    method: str = "pm_card_visa",
    key: str | None = None,
) -> Response:
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post(
        "/api/payments",
        json={"transaction_id": transaction_id, "payment_method": method},
        headers={**headers, **extra},
    )


async def make_party(
    session: AsyncSession, role: str = "manufacturer", company: str = "Party Ltd"
) -> tuple[User, dict[str, str]]:
    """A user made straight in the database (bcrypt at cost 12 per API registration is slow);
    returns (user, headers)."""
    user = await make_user(session, role=role, company_name=company)
    return user, auth_headers(user)
