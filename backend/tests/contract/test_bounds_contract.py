"""Field bounds of the contract accepted at their edges, and role rules for listing."""

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import (
    assert_error_response,
    create_material,
    make_party,
    material_body,
    upload_image,
)


def registration(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": f"edge-{uuid.uuid4().hex[:10]}@example.com",
        "password": "Abcdefg1",
        "company_name": "Edge Co",
        "role": "brand",
    }
    body.update(overrides)
    return body


class TestRegisterBounds:
    @pytest.mark.parametrize("password", ["Abcdef1x", "A1" + "b" * 126])
    async def test_password_8_and_128_accepted(self, client: AsyncClient, password: str) -> None:
        response = await client.post("/api/auth/register", json=registration(password=password))
        assert response.status_code == 201

    async def test_email_too_long_is_invalid_email(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/auth/register", json=registration(email="a" * 250 + "@example.com")
        )
        assert_error_response(response, 400, "invalid_email")

    async def test_e164_phone_accepted(self, client: AsyncClient) -> None:
        response = await client.post("/api/auth/register", json=registration(phone="+14155552671"))
        assert response.status_code == 201


class TestMaterialBounds:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title", "abc"),
            ("title", "t" * 200),
            ("description", ""),
            ("description", "d" * 5000),
            ("price", 0),
            ("price", 12.34),
            ("quantity", 0.001),
            ("min_order_quantity", 120.5),
            ("currency", "USD"),
            ("currency", "GBP"),
            ("composition", []),
            ("certifications", []),
            ("supply_chain", []),
            ("sustainability_metrics", {"carbon_footprint": 0, "water_usage": 0}),
        ],
    )
    async def test_edges_accepted(
        self, client: AsyncClient, session: AsyncSession, field: str, value: object
    ) -> None:
        _, headers = await make_party(session)
        body = material_body(**{field: value})
        if field == "quantity":
            body["min_order_quantity"] = 0.001
        response = await client.post("/api/materials", json=body, headers=headers)
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize("scheme", ["GOTS", "GRS", "OEKO-TEX"])
    async def test_named_schemes_accepted(
        self, client: AsyncClient, session: AsyncSession, scheme: str
    ) -> None:
        _, headers = await make_party(session)
        certs = [{"scheme": scheme, "certificate_id": "C-1", "valid_until": "2030-01-01"}]
        await create_material(client, headers, certifications=certs)

    @pytest.mark.parametrize("stage", ["fibre", "spinning", "knitting", "cutting", "warehouse"])
    async def test_stages_accepted(
        self, client: AsyncClient, session: AsyncSession, stage: str
    ) -> None:
        _, headers = await make_party(session)
        await create_material(
            client, headers, supply_chain=[{"stage": stage, "company": "X Co", "country": "PT"}]
        )

    async def test_ten_images_accepted(self, client: AsyncClient, session: AsyncSession) -> None:
        _, headers = await make_party(session)
        images = [(await upload_image(client, headers))["image_id"] for _ in range(10)]
        created = await create_material(client, headers, images=images)
        detail = (await client.get(f"/api/materials/{created['material_id']}")).json()
        assert [i["image_id"] for i in detail["images"]] == images

    async def test_brand_may_not_list(self, client: AsyncClient, session: AsyncSession) -> None:
        _, brand = await make_party(session, role="brand")
        response = await client.post("/api/materials", json=material_body(), headers=brand)
        assert_error_response(response, 403, "forbidden")
