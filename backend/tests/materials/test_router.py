import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.images.models import Image
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    PassportChange,
    SustainabilityMetric,
)
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_transaction
from tests.materials.conftest import MATERIALS, error_fields, listing, make_image


async def count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


class TestMaterialTypes:
    async def test_vocabularies(self, client: AsyncClient) -> None:
        response = await client.get(f"{MATERIALS}/types")
        assert response.status_code == 200
        data = response.json()
        assert set(data) == {
            "material_types",
            "source_types",
            "units",
            "currencies",
            "certification_schemes",
            "supply_chain_stages",
        }
        assert "recycled_polyester" in data["material_types"]
        assert data["units"] == ["kg", "m", "m2", "yd", "roll", "piece"]
        assert "GOTS" in data["certification_schemes"]
        assert "EUR" in data["currencies"]
        assert "weaving" in data["supply_chain_stages"]


class TestCreateMaterial:
    async def test_minimal(self, client: AsyncClient, session: AsyncSession, seller: User) -> None:
        response = await client.post(MATERIALS, json=listing(), headers=auth_headers(seller))
        assert response.status_code == 201, response.text
        data = response.json()
        assert set(data) == {"material_id", "title", "status", "created_at"}
        assert data["status"] == "active"
        assert data["title"] == "Recycled polyester twill, navy"
        assert data["created_at"].endswith("Z")
        material = await session.get(Material, uuid.UUID(data["material_id"]))
        assert material is not None
        assert material.seller_id == seller.id
        assert material.quantity == Decimal("250.5")
        assert material.price == Decimal("4.25")
        passport = await session.scalar(
            select(DigitalProductPassport).where(DigitalProductPassport.material_id == material.id)
        )
        assert passport is not None

    async def test_full_body_round_trips(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        images = [await make_image(session, seller) for _ in range(2)]
        body = listing(
            unit="m",
            kg_per_unit=0.21,
            quantity=1200,
            min_order_quantity=50,
            material_type="blend",
            source_type="deadstock",
            composition=[
                {"fibre": "organic_cotton", "percent": 95.5},
                {"fibre": "elastane", "percent": 4.5},
            ],
            color="Indigo",
            origin_country="pt",
            manufacture_date="2025-03-01",
            certifications=[
                {"scheme": "gots", "certificate_id": "CU-12345", "valid_until": "2027-01-31"}
            ],
            images=[str(images[1].id), str(images[0].id)],
            sustainability_metrics={
                "carbon_footprint": 2.5,
                "water_usage": 120.25,
                "chemical_composition": [
                    {"name": "Formaldehyde", "cas_number": "50-00-0", "concentration_ppm": 12.5}
                ],
            },
            supply_chain=[
                {"stage": "weaving", "company": "Tecelagem Norte", "country": "PT"},
                {"stage": "dyeing", "company": "Tinturaria", "country": "PT", "date": "2025-02-01"},
            ],
        )
        created = await client.post(MATERIALS, json=body, headers=auth_headers(seller))
        assert created.status_code == 201, created.text
        material_id = created.json()["material_id"]
        response = await client.get(f"{MATERIALS}/{material_id}")
        assert response.status_code == 200
        data = response.json()
        assert data["material_id"] == material_id
        assert data["quantity"] == 1200
        assert data["kg_per_unit"] == 0.21
        assert data["min_order_quantity"] == 50
        assert data["price"] == 4.25
        assert data["composition"] == body["composition"]
        assert data["origin_country"] == "PT"
        assert data["manufacture_date"] == "2025-03-01"
        assert data["certifications"] == [
            {
                "scheme": "GOTS",
                "certificate_id": "CU-12345",
                "valid_until": "2027-01-31",
                "verified": False,
                "verified_at": None,
            }
        ]
        assert [i["image_id"] for i in data["images"]] == [str(images[1].id), str(images[0].id)]
        assert data["images"][0]["url"] == f"/media/{images[1].storage_key}"
        assert data["images"][0]["thumbnail_url"] == f"/media/{images[1].thumbnail_key}"
        assert data["images"][0]["display_url"] == f"/media/{images[1].display_key}"
        assert (data["images"][0]["width"], data["images"][0]["height"]) == (
            images[1].width,
            images[1].height,
        )
        metrics = data["sustainability_metrics"]
        assert metrics["carbon_footprint"] == 2.5
        assert metrics["water_usage"] == 120.25
        assert metrics["chemical_composition"] == [
            {"name": "Formaldehyde", "cas_number": "50-00-0", "concentration_ppm": 12.5}
        ]
        assert data["supply_chain"][0] == {
            "stage": "weaving",
            "company": "Tecelagem Norte",
            "country": "PT",
            "date": None,
        }
        assert data["seller"] == {
            "user_id": str(seller.id),
            "company_name": "Porto Mills",
            "verified": False,
        }
        assert data["status"] == "active"
        assert data["passport_id"]
        assert set(data["impact"]) == {"carbon_saved_per_kg", "water_saved_per_kg", "baseline"}
        assert data["created_at"].endswith("Z")
        assert data["updated_at"].endswith("Z")
        assert await count(session, SustainabilityMetric) == 1

    async def test_anonymous(self, client: AsyncClient, session: AsyncSession) -> None:
        response = await client.post(MATERIALS, json=listing())
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")
        assert await count(session, Material) == 0

    async def test_bad_token(self, client: AsyncClient) -> None:
        headers = {"Authorization": "Bearer not-a-token"}
        response = await client.post(MATERIALS, json=listing(), headers=headers)
        assert response.status_code == 401

    async def test_brand_may_not_list(
        self, client: AsyncClient, session: AsyncSession, brand: User
    ) -> None:
        response = await client.post(MATERIALS, json=listing(), headers=auth_headers(brand))
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")
        assert await count(session, Material) == 0

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"title": "ab"}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"title": "   ab   "}, "title"),
            ({"title": 123}, "title"),
            ({"title": "bad\x00title"}, "title"),
            ({"description": "x" * 5001}, "description"),
            ({"material_type": "unobtainium"}, "material_type"),
            ({"source_type": "stolen"}, "source_type"),
            ({"quantity": 0}, "quantity"),
            ({"quantity": -1}, "quantity"),
            ({"quantity": 1.2345}, "quantity"),
            ({"quantity": "lots"}, "quantity"),
            ({"quantity": None}, "quantity"),
            ({"unit": "ton"}, "unit"),
            ({"price": -0.01}, "price"),
            ({"price": 1.234}, "price"),
            ({"price": "NaN"}, "price"),
            ({"currency": "XXX"}, "currency"),
            ({"currency": "eur"}, "currency"),
            ({"min_order_quantity": 0}, "min_order_quantity"),
            ({"min_order_quantity": 300}, "min_order_quantity"),
            ({"origin_country": "ZZ"}, "origin_country"),
            ({"origin_country": "Portugal"}, "origin_country"),
            ({"manufacture_date": "2999-01-01"}, "manufacture_date"),
            ({"manufacture_date": "yesterday"}, "manufacture_date"),
            ({"composition": [{"fibre": "cotton", "percent": 60}]}, "composition"),
            (
                {
                    "composition": [
                        {"fibre": "cotton", "percent": 60},
                        {"fibre": "Cotton", "percent": 40},
                    ]
                },
                "composition",
            ),
            ({"composition": [{"fibre": "cotton", "percent": 0}]}, "composition.0.percent"),
            ({"composition": [{"fibre": "", "percent": 100}]}, "composition.0.fibre"),
            ({"certifications": [{"scheme": "MadeUp", "certificate_id": "1"}]}, "certifications"),
            ({"certifications": [{"scheme": "GOTS"}]}, "certifications.0.certificate_id"),
            (
                {"supply_chain": [{"stage": "mining", "company": "X", "country": "PT"}]},
                "supply_chain.0",
            ),
            (
                {"supply_chain": [{"stage": "weaving", "company": "X", "country": "QQ"}]},
                "supply_chain.0",
            ),
            ({"sustainability_metrics": {"carbon_footprint": -1}}, "sustainability_metrics"),
            ({"sustainability_metrics": {"water_usage": -5}}, "sustainability_metrics"),
            (
                {
                    "sustainability_metrics": {
                        "chemical_composition": [{"name": "x", "cas_number": "50-00-1"}]
                    }
                },
                "sustainability_metrics",
            ),
            (
                {
                    "sustainability_metrics": {
                        "chemical_composition": [{"name": "x", "cas_number": "abc"}]
                    }
                },
                "sustainability_metrics",
            ),
            ({"images": ["not-a-uuid"]}, "images.0"),
            ({"images": [str(uuid.uuid4())] * 2}, "images"),
            ({"images": [str(uuid.uuid4()) for _ in range(11)]}, "images"),
            ({"status": "draft"}, "status"),
            ({"seller_id": str(uuid.uuid4())}, "seller_id"),
            ({"unexpected": 1}, "unexpected"),
        ],
    )
    async def test_invalid_body(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(
            MATERIALS, json=listing(**overrides), headers=auth_headers(seller)
        )
        assert response.status_code == 422, response.text
        assert_error(response.json(), "validation_error")
        fields = error_fields(response.json())
        assert any(f.startswith(field) for f in fields), fields
        assert await count(session, Material) == 0

    @pytest.mark.parametrize(
        "missing", ["title", "material_type", "quantity", "unit", "price", "currency"]
    )
    async def test_missing_required(self, client: AsyncClient, seller: User, missing: str) -> None:
        body = listing()
        del body[missing]
        response = await client.post(MATERIALS, json=body, headers=auth_headers(seller))
        assert response.status_code == 422
        assert missing in error_fields(response.json())

    @pytest.mark.parametrize("unit", ["m", "m2", "yd", "roll", "piece"])
    async def test_kg_per_unit_required_unless_kg(
        self, client: AsyncClient, seller: User, unit: str
    ) -> None:
        response = await client.post(
            MATERIALS, json=listing(unit=unit, quantity=10), headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert "kg_per_unit" in error_fields(response.json())
        ok = await client.post(
            MATERIALS,
            json=listing(unit=unit, quantity=10, kg_per_unit=0.5),
            headers=auth_headers(seller),
        )
        assert ok.status_code == 201

    async def test_kg_per_unit_must_be_positive(self, client: AsyncClient, seller: User) -> None:
        response = await client.post(
            MATERIALS, json=listing(unit="m", kg_per_unit=0), headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert "kg_per_unit" in error_fields(response.json())

    async def test_kg_needs_no_kg_per_unit(self, client: AsyncClient, seller: User) -> None:
        response = await client.post(
            MATERIALS, json=listing(unit="kg"), headers=auth_headers(seller)
        )
        assert response.status_code == 201

    @pytest.mark.parametrize("unit", ["roll", "piece"])
    async def test_whole_units_need_whole_quantities(
        self, client: AsyncClient, seller: User, unit: str
    ) -> None:
        body = listing(unit=unit, kg_per_unit=12, quantity=10.5)
        response = await client.post(MATERIALS, json=body, headers=auth_headers(seller))
        assert response.status_code == 422
        assert "quantity" in error_fields(response.json())
        body = listing(unit=unit, kg_per_unit=12, quantity=10, min_order_quantity=1.5)
        response = await client.post(MATERIALS, json=body, headers=auth_headers(seller))
        assert "min_order_quantity" in error_fields(response.json())

    async def test_fractional_units_take_three_decimals(
        self, client: AsyncClient, seller: User
    ) -> None:
        body = listing(unit="m", kg_per_unit=0.3, quantity=10.125, min_order_quantity=0.5)
        response = await client.post(MATERIALS, json=body, headers=auth_headers(seller))
        assert response.status_code == 201

    async def test_composition_sums_to_100(self, client: AsyncClient, seller: User) -> None:
        parts = [
            {"fibre": "recycled_polyester", "percent": 33.33},
            {"fibre": "cotton", "percent": 33.33},
            {"fibre": "Tencel™ lyocell", "percent": 33.34},
        ]
        response = await client.post(
            MATERIALS, json=listing(composition=parts), headers=auth_headers(seller)
        )
        assert response.status_code == 201, response.text
        parts[2]["percent"] = 33.33
        response = await client.post(
            MATERIALS, json=listing(composition=parts), headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert "composition" in error_fields(response.json())

    async def test_unicode_and_injection_are_stored_verbatim(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        title = "Ткань 布料 🧵 '; DROP TABLE materials; --"
        description = '<script>alert(1)</script> " OR 1=1 --'
        response = await client.post(
            MATERIALS,
            json=listing(title=title, description=description),
            headers=auth_headers(seller),
        )
        assert response.status_code == 201
        detail = (await client.get(f"{MATERIALS}/{response.json()['material_id']}")).json()
        assert detail["title"] == title
        assert detail["description"] == description
        assert await count(session, Material) == 1

    async def test_unknown_image_is_404(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        response = await client.post(
            MATERIALS, json=listing(images=[str(uuid.uuid4())]), headers=auth_headers(seller)
        )
        assert response.status_code == 404
        assert_error(response.json(), "not_found")
        assert await count(session, Material) == 0

    async def test_another_users_image_is_404(
        self, client: AsyncClient, session: AsyncSession, seller: User, other_seller: User
    ) -> None:
        mine = await make_image(session, seller)
        theirs = await make_image(session, other_seller)
        response = await client.post(
            MATERIALS,
            json=listing(images=[str(mine.id), str(theirs.id)]),
            headers=auth_headers(seller),
        )
        assert response.status_code == 404
        await session.refresh(theirs)
        await session.refresh(mine)
        assert theirs.material_id is None
        assert mine.material_id is None
        assert await count(session, Material) == 0

    async def test_image_of_another_listing_is_422(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        first = await make_material(session, seller)
        image = await make_image(session, seller, material_id=first.id)
        response = await client.post(
            MATERIALS, json=listing(images=[str(image.id)]), headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert "images.0" in error_fields(response.json())

    async def test_metrics_are_rounded_half_up(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        body = listing(sustainability_metrics={"carbon_footprint": 1.2345, "water_usage": 0.125})
        response = await client.post(MATERIALS, json=body, headers=auth_headers(seller))
        assert response.status_code == 201
        metric = await session.scalar(select(SustainabilityMetric))
        assert metric is not None
        assert metric.carbon_footprint == Decimal("1.235")
        assert metric.water_usage == Decimal("0.13")
        assert metric.recorded_by == seller.id

    async def test_malformed_json(self, client: AsyncClient, seller: User) -> None:
        response = await client.post(
            MATERIALS,
            content=b"{not json",
            headers={**auth_headers(seller), "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_request"


class TestGetMaterial:
    async def test_public(self, client: AsyncClient, session: AsyncSession, seller: User) -> None:
        material = await make_material(session, seller, carbon_footprint=Decimal("1.5"))
        response = await client.get(f"{MATERIALS}/{material.id}")
        assert response.status_code == 200
        data = response.json()
        assert data["material_id"] == str(material.id)
        assert data["sustainability_metrics"]["carbon_footprint"] == 1.5
        assert data["images"] == []
        assert data["impact"]["baseline"] == "virgin organic cotton"
        assert data["impact"]["carbon_saved_per_kg"] > 0

    async def test_impact_without_metrics(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(
            session, seller, material_type="recycled_polyester", source_type="recycled"
        )
        data = (await client.get(f"{MATERIALS}/{material.id}")).json()
        assert data["sustainability_metrics"] is None
        assert data["impact"]["baseline"] == "virgin polyester"

    async def test_latest_metric_wins(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller, carbon_footprint=Decimal("9"))
        session.add(
            SustainabilityMetric(
                material_id=material.id,
                carbon_footprint=Decimal("2"),
                water_usage=None,
                chemical_composition=[],
            )
        )
        await session.flush()
        data = (await client.get(f"{MATERIALS}/{material.id}")).json()
        assert data["sustainability_metrics"]["carbon_footprint"] == 2

    async def test_unknown_and_malformed_ids(self, client: AsyncClient) -> None:
        for path in (f"{MATERIALS}/{uuid.uuid4()}", f"{MATERIALS}/not-a-uuid", f"{MATERIALS}/1'"):
            response = await client.get(path)
            assert response.status_code == 404
            assert_error(response.json(), "not_found")

    async def test_sold_out_is_public(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller, status="sold_out", quantity=Decimal(0))
        response = await client.get(f"{MATERIALS}/{material.id}")
        assert response.status_code == 200
        assert response.json()["status"] == "sold_out"

    async def test_draft_only_for_owner(
        self, client: AsyncClient, session: AsyncSession, seller: User, brand: User
    ) -> None:
        material = await make_material(session, seller, status="draft")
        assert (await client.get(f"{MATERIALS}/{material.id}")).status_code == 404
        stranger = await client.get(f"{MATERIALS}/{material.id}", headers=auth_headers(brand))
        assert stranger.status_code == 404
        owner = await client.get(f"{MATERIALS}/{material.id}", headers=auth_headers(seller))
        assert owner.status_code == 200
        assert owner.json()["status"] == "draft"

    async def test_archived_for_owner_and_parties(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        brand: User,
        other_seller: User,
    ) -> None:
        material = await make_material(session, seller)
        await make_transaction(session, material, brand, status="completed")
        material.status = "archived"
        await session.flush()
        path = f"{MATERIALS}/{material.id}"
        assert (await client.get(path)).status_code == 404
        assert (await client.get(path, headers=auth_headers(other_seller))).status_code == 404
        assert (await client.get(path, headers=auth_headers(brand))).status_code == 200
        assert (await client.get(path, headers=auth_headers(seller))).status_code == 200

    async def test_deleted_is_404_to_everyone(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(
            session, seller, status="archived", deleted_at=datetime.now(UTC)
        )
        path = f"{MATERIALS}/{material.id}"
        assert (await client.get(path)).status_code == 404
        assert (await client.get(path, headers=auth_headers(seller))).status_code == 404

    async def test_images_in_position_order(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        second = await make_image(session, seller, material_id=material.id, position=1)
        first = await make_image(session, seller, material_id=material.id, position=0)
        data = (await client.get(f"{MATERIALS}/{material.id}")).json()
        assert [i["image_id"] for i in data["images"]] == [str(first.id), str(second.id)]


class TestUpdateMaterial:
    async def test_partial_update(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        before = material.updated_at
        response = await client.put(
            f"{MATERIALS}/{material.id}",
            json={"title": "New title", "quantity": 42.5, "price": 9.99},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200, response.text
        data = response.json()
        assert set(data) == {"material_id", "updated_at"}
        assert data["updated_at"].endswith("Z")
        await session.refresh(material)
        assert material.title == "New title"
        assert material.quantity == Decimal("42.5")
        assert material.price == Decimal("9.99")
        assert material.description.startswith("Soft single jersey")
        assert material.updated_at >= before

    async def test_every_listing_field(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        image = await make_image(session, seller)
        body = {
            "description": "",
            "material_type": "blend",
            "source_type": "post_consumer",
            "unit": "m",
            "kg_per_unit": 0.25,
            "currency": "GBP",
            "min_order_quantity": 5,
            "composition": [{"fibre": "wool", "percent": 70}, {"fibre": "nylon", "percent": 30}],
            "color": "Grey",
            "origin_country": "GB",
            "manufacture_date": "2024-12-24",
            "certifications": [{"scheme": "RWS", "certificate_id": "R-1"}],
            "images": [str(image.id)],
            "sustainability_metrics": {"carbon_footprint": 3.1},
            "supply_chain": [{"stage": "knitting", "company": "K Ltd", "country": "GB"}],
        }
        response = await client.put(
            f"{MATERIALS}/{material.id}", json=body, headers=auth_headers(seller)
        )
        assert response.status_code == 200, response.text
        data = (await client.get(f"{MATERIALS}/{material.id}")).json()
        for field in ("description", "material_type", "source_type", "unit", "currency", "color"):
            assert data[field] == body[field]
        assert data["kg_per_unit"] == 0.25
        assert data["composition"] == body["composition"]
        assert data["images"][0]["image_id"] == str(image.id)
        assert data["sustainability_metrics"]["carbon_footprint"] == 3.1
        assert data["certifications"][0]["valid_until"] is None
        changes = (await session.scalars(select(PassportChange))).all()
        assert any("origin" in c.changes or "origin_country" in c.changes for c in changes) or any(
            c.kind == "material_updated" for c in changes
        )

    async def test_images_replaced_and_released(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        old = await make_image(session, seller, material_id=material.id)
        new = await make_image(session, seller)
        response = await client.put(
            f"{MATERIALS}/{material.id}",
            json={"images": [str(new.id)]},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200
        await session.refresh(old)
        await session.refresh(new)
        assert old.material_id is None
        assert new.material_id == material.id

    async def test_clearing_optional_fields(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller, color="Red", origin_country="PT")
        response = await client.put(
            f"{MATERIALS}/{material.id}",
            json={"color": None, "origin_country": None},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200
        await session.refresh(material)
        assert material.color is None
        assert material.origin_country is None

    @pytest.mark.parametrize(
        "body",
        [
            {"title": "x"},
            {"title": None},
            {"quantity": 0},
            {"quantity": None},
            {"price": -1},
            {"status": "sold_out"},
            {"status": "deleted"},
            {"unit": "m"},
            {"min_order_quantity": 1000},
            {"composition": [{"fibre": "cotton", "percent": 50}]},
            {"material_id": str(uuid.uuid4())},
            {"seller_id": str(uuid.uuid4())},
            {"created_at": "2020-01-01T00:00:00Z"},
        ],
    )
    async def test_invalid(
        self, client: AsyncClient, session: AsyncSession, seller: User, body: dict[str, Any]
    ) -> None:
        material = await make_material(session, seller)
        response = await client.put(
            f"{MATERIALS}/{material.id}", json=body, headers=auth_headers(seller)
        )
        assert response.status_code == 422, response.text
        assert_error(response.json(), "validation_error")
        await session.refresh(material)
        assert material.title == "Organic cotton jersey deadstock"
        assert material.quantity == Decimal("100")
        assert material.status == "active"

    async def test_anonymous(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        response = await client.put(f"{MATERIALS}/{material.id}", json={"title": "Hijacked"})
        assert response.status_code == 401

    async def test_not_owner(
        self, client: AsyncClient, session: AsyncSession, seller: User, other_seller: User
    ) -> None:
        material = await make_material(session, seller)
        response = await client.put(
            f"{MATERIALS}/{material.id}",
            json={"title": "Hijacked"},
            headers=auth_headers(other_seller),
        )
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")
        await session.refresh(material)
        assert material.title == "Organic cotton jersey deadstock"

    async def test_other_users_draft_is_404(
        self, client: AsyncClient, session: AsyncSession, seller: User, other_seller: User
    ) -> None:
        material = await make_material(session, seller, status="draft")
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={"title": "Peek"}, headers=auth_headers(other_seller)
        )
        assert response.status_code == 404

    async def test_unknown_and_deleted(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        deleted = await make_material(session, seller, deleted_at=datetime.now(UTC))
        for material_id in (uuid.uuid4(), deleted.id, "nope"):
            response = await client.put(
                f"{MATERIALS}/{material_id}", json={"title": "Again"}, headers=auth_headers(seller)
            )
            assert response.status_code == 404

    async def test_others_image_is_404(
        self, client: AsyncClient, session: AsyncSession, seller: User, other_seller: User
    ) -> None:
        material = await make_material(session, seller)
        theirs = await make_image(session, other_seller)
        response = await client.put(
            f"{MATERIALS}/{material.id}",
            json={"images": [str(theirs.id)]},
            headers=auth_headers(seller),
        )
        assert response.status_code == 404
        await session.refresh(theirs)
        assert theirs.material_id is None

    async def test_status_changes(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        path, headers = f"{MATERIALS}/{material.id}", auth_headers(seller)
        for status in ("draft", "archived", "active"):
            response = await client.put(path, json={"status": status}, headers=headers)
            assert response.status_code == 200
            await session.refresh(material)
            assert material.status == status

    async def test_reactivating_needs_stock(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller, status="sold_out", quantity=Decimal(0))
        path, headers = f"{MATERIALS}/{material.id}", auth_headers(seller)
        response = await client.put(path, json={"status": "active"}, headers=headers)
        assert response.status_code == 422
        assert "status" in error_fields(response.json())
        response = await client.put(path, json={"quantity": 5}, headers=headers)
        assert response.status_code == 200
        await session.refresh(material)
        assert material.status == "active"
        assert material.quantity == 5

    async def test_title_only_keeps_min_order_rule_untouched(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        # Sales may take stock below the minimum order: editing the title still works.
        material = await make_material(
            session, seller, quantity=Decimal(2), min_order_quantity=Decimal(5)
        )
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={"title": "Renamed"}, headers=auth_headers(seller)
        )
        assert response.status_code == 200


class TestDeleteMaterial:
    async def test_soft_delete(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        response = await client.delete(f"{MATERIALS}/{material.id}", headers=auth_headers(seller))
        assert response.status_code == 200
        data = response.json()
        assert data["material_id"] == str(material.id)
        assert data["message"]
        await session.refresh(material)
        assert material.deleted_at is not None
        assert material.status == "archived"
        assert await count(session, DigitalProductPassport) == 1
        assert (await client.get(f"{MATERIALS}/{material.id}")).status_code == 404
        again = await client.delete(f"{MATERIALS}/{material.id}", headers=auth_headers(seller))
        assert again.status_code == 404

    async def test_anonymous(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        assert (await client.delete(f"{MATERIALS}/{material.id}")).status_code == 401

    async def test_not_owner(
        self, client: AsyncClient, session: AsyncSession, seller: User, brand: User
    ) -> None:
        material = await make_material(session, seller)
        response = await client.delete(f"{MATERIALS}/{material.id}", headers=auth_headers(brand))
        assert response.status_code == 403
        await session.refresh(material)
        assert material.deleted_at is None

    async def test_unknown(self, client: AsyncClient, seller: User) -> None:
        for material_id in (uuid.uuid4(), "x' OR '1'='1"):
            response = await client.delete(
                f"{MATERIALS}/{material_id}", headers=auth_headers(seller)
            )
            assert response.status_code == 404

    async def test_keeps_transactions_and_images(
        self, client: AsyncClient, session: AsyncSession, seller: User, brand: User
    ) -> None:
        material = await make_material(session, seller)
        await make_transaction(session, material, brand, status="paid")
        await make_image(session, seller, material_id=material.id)
        response = await client.delete(f"{MATERIALS}/{material.id}", headers=auth_headers(seller))
        assert response.status_code == 200
        assert await count(session, Image) == 1
