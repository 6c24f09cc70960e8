"""A listing's trade terms through the API: minimum, steps, price tiers, lots, samples."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material, MaterialLot
from tests.asserts import assert_error
from tests.factories import auth_headers, make_lots, make_material, make_user
from tests.materials.conftest import MATERIALS, error_fields, listing

LOTS = [
    {"lot_code": "R-101", "quantity": 120, "color": "Indigo", "grade": "first", "width_cm": 150},
    {"lot_code": "R-102", "quantity": 80.5, "grade": "second", "weight_gsm": 210.5},
]
TERMS: dict[str, Any] = {
    "unit": "m",
    "kg_per_unit": 0.3,
    "min_order_quantity": 10,
    "order_increment": 5,
    "price_tiers": [{"min_quantity": 50, "price": 4.0}, {"min_quantity": 100, "price": 3.75}],
    "sample_available": True,
    "sample_price": 0,
    "sample_description": "A4 swatch",
}


async def lots_of(session: AsyncSession, material_id: str) -> list[tuple[str, Decimal]]:
    result = await session.execute(
        select(MaterialLot.lot_code, MaterialLot.quantity)
        .where(MaterialLot.material_id == uuid.UUID(material_id))
        .order_by(MaterialLot.position)
        .execution_options(populate_existing=True)
    )
    return [(code, quantity) for code, quantity in result.all()]


async def create(client: AsyncClient, seller: User, **overrides: Any) -> Any:
    return await client.post(MATERIALS, json=listing(**overrides), headers=auth_headers(seller))


class TestCreateWithTerms:
    async def test_round_trips_in_the_detail(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        response = await create(client, seller, quantity=None, lots=LOTS, **TERMS)
        assert response.status_code == 201, response.text
        material_id = response.json()["material_id"]
        detail = (await client.get(f"{MATERIALS}/{material_id}")).json()
        assert detail["quantity"] == 200.5  # the lots' sum
        assert detail["min_order_quantity"] == 10
        assert detail["order_increment"] == 5
        assert detail["price_tiers"] == TERMS["price_tiers"]
        assert detail["lots"] == [
            {
                "lot_code": "R-101",
                "quantity": 120,
                "color": "Indigo",
                "grade": "first",
                "width_cm": 150,
                "weight_gsm": None,
            },
            {
                "lot_code": "R-102",
                "quantity": 80.5,
                "color": None,
                "grade": "second",
                "width_cm": None,
                "weight_gsm": 210.5,
            },
        ]
        assert (detail["sample_available"], detail["sample_price"]) == (True, 0)
        assert detail["sample_description"] == "A4 swatch"
        assert await lots_of(session, material_id) == [
            ("R-101", Decimal("120")),
            ("R-102", Decimal("80.5")),
        ]

    async def test_defaults(self, client: AsyncClient, seller: User) -> None:
        material_id = (await create(client, seller)).json()["material_id"]
        detail = (await client.get(f"{MATERIALS}/{material_id}")).json()
        assert detail["order_increment"] is None
        assert detail["price_tiers"] == []
        assert detail["lots"] == []
        assert detail["sample_available"] is False
        assert detail["sample_price"] is None
        assert detail["sample_description"] is None

    async def test_quantity_sent_with_lots_must_be_their_sum(
        self, client: AsyncClient, seller: User
    ) -> None:
        ok = await create(client, seller, quantity=200.5, lots=LOTS, unit="kg")
        assert ok.status_code == 201, ok.text
        response = await create(client, seller, quantity=200, lots=LOTS, unit="kg")
        assert response.status_code == 422
        assert error_fields(response.json()) == {"quantity"}

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"quantity": None}, "quantity"),
            (
                {
                    "price_tiers": [
                        {"min_quantity": 100, "price": 4},
                        {"min_quantity": 50, "price": 3},
                    ]
                },
                "price_tiers.1.min_quantity",
            ),
            (
                {
                    "price_tiers": [
                        {"min_quantity": 50, "price": 4},
                        {"min_quantity": 50, "price": 3},
                    ]
                },
                "price_tiers.1.min_quantity",
            ),
            (
                {
                    "price_tiers": [
                        {"min_quantity": 50, "price": 4},
                        {"min_quantity": 100, "price": 4},
                    ]
                },
                "price_tiers.1.price",
            ),
            ({"price_tiers": [{"min_quantity": 50, "price": 4.25}]}, "price_tiers.0.price"),
            # 5 m steps from 10 m never reach 52 m: the increment does not divide 42.
            (
                {
                    "min_order_quantity": 10,
                    "order_increment": 5,
                    "price_tiers": [{"min_quantity": 52, "price": 4}],
                },
                "price_tiers.0.min_quantity",
            ),
            (
                {"quantity": None, "lots": [{**LOTS[0]}, {**LOTS[1], "lot_code": "R-101"}]},
                "lots",
            ),
            ({"lots": [{"lot_code": "", "quantity": 1, "grade": "first"}]}, "lots.0.lot_code"),
            (
                {"lots": [{"lot_code": "x" * 65, "quantity": 1, "grade": "first"}]},
                "lots.0.lot_code",
            ),
            ({"lots": [{"lot_code": "A", "quantity": 1, "grade": "third"}]}, "lots.0.grade"),
            ({"lots": [{"lot_code": "A", "quantity": 1}]}, "lots.0.grade"),
            ({"lots": [{"lot_code": "A", "quantity": -1, "grade": "first"}]}, "lots.0.quantity"),
            (
                {"lots": [{"lot_code": "A", "quantity": 1, "grade": "first", "width_cm": 0}]},
                "lots.0.width_cm",
            ),
            ({"lots": [{"lot_code": "A\x00", "quantity": 1, "grade": "first"}]}, "lots.0.lot_code"),
            (
                {"lots": [{"lot_code": "A", "quantity": 0, "grade": "first"}], "quantity": None},
                "lots",
            ),
            ({"order_increment": 0}, "order_increment"),
            ({"order_increment": [5]}, "order_increment"),
            (
                {"unit": "roll", "kg_per_unit": 20, "quantity": 10, "order_increment": 1.5},
                "order_increment",
            ),
            ({"sample_available": True}, "sample_price"),
            ({"sample_available": True, "sample_price": -1}, "sample_price"),
            (
                {"sample_available": True, "sample_price": 1, "sample_description": ""},
                "sample_description",
            ),
            (
                {"sample_available": True, "sample_price": 1, "sample_description": "x" * 201},
                "sample_description",
            ),
            (
                {"price_tiers": [{"min_quantity": 50, "price": 4, "extra": 1}]},
                "price_tiers.0.extra",
            ),
        ],
    )
    async def test_invalid(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        before = await session.scalar(select(Material.id).limit(1))
        response = await create(client, seller, **overrides)
        assert response.status_code == 422, response.text
        assert_error(response.json(), "validation_error")
        assert field in error_fields(response.json())
        assert await session.scalar(select(Material.id).limit(1)) == before

    async def test_unicode_lot_code(self, client: AsyncClient, seller: User) -> None:
        lots = [{"lot_code": "Färg-拉-1", "quantity": 3, "grade": "first"}]
        response = await create(client, seller, quantity=None, lots=lots)
        assert response.status_code == 201, response.text
        detail = (await client.get(f"{MATERIALS}/{response.json()['material_id']}")).json()
        assert detail["lots"][0]["lot_code"] == "Färg-拉-1"


class TestUpdateTerms:
    async def test_lots_replace_and_set_the_quantity(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await make_lots(session, material, ("A", Decimal("10")), ("B", Decimal("5")))
        lots = [
            {"lot_code": "B", "quantity": 7, "grade": "second"},
            {"lot_code": "C", "quantity": 1.5, "grade": "first"},
        ]
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={"lots": lots}, headers=auth_headers(seller)
        )
        assert response.status_code == 200, response.text
        assert await lots_of(session, str(material.id)) == [
            ("B", Decimal("7")),
            ("C", Decimal("1.5")),
        ]
        detail = (await client.get(f"{MATERIALS}/{material.id}")).json()
        assert detail["quantity"] == 8.5
        assert [lot["grade"] for lot in detail["lots"]] == ["second", "first"]

    async def test_quantity_of_a_listing_sold_by_lot_follows_the_lots(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await make_lots(session, material, ("A", Decimal("10")))
        url, headers = f"{MATERIALS}/{material.id}", auth_headers(seller)
        alone = await client.put(url, json={"quantity": 12}, headers=headers)
        assert alone.status_code == 422
        assert error_fields(alone.json()) == {"quantity"}
        both = await client.put(
            url,
            json={"quantity": 12, "lots": [{"lot_code": "A", "quantity": 12, "grade": "first"}]},
            headers=headers,
        )
        assert both.status_code == 422
        # [] turns lots off and keeps the quantity; then quantity is the seller's again.
        off = await client.put(url, json={"lots": []}, headers=headers)
        assert off.status_code == 200
        assert await lots_of(session, str(material.id)) == []
        assert (await client.put(url, json={"quantity": 12}, headers=headers)).status_code == 200

    async def test_tiers_are_checked_against_the_stored_price(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller, price=Decimal("5"))
        url, headers = f"{MATERIALS}/{material.id}", auth_headers(seller)
        tiers = [{"min_quantity": 20, "price": 4.5}]
        assert (
            await client.put(url, json={"price_tiers": tiers}, headers=headers)
        ).status_code == 200
        cheaper = await client.put(url, json={"price": 4}, headers=headers)
        assert cheaper.status_code == 422
        assert error_fields(cheaper.json()) == {"price_tiers.0.price"}
        steps = await client.put(
            url, json={"min_order_quantity": 5, "order_increment": 10}, headers=headers
        )
        assert steps.status_code == 422  # 20 is not 5 + 10 k
        terms = {
            "min_order_quantity": 10,
            "order_increment": 5,
            "sample_available": True,
            "sample_price": 2.5,
            "sample_description": "Hanger",
        }
        assert (await client.put(url, json=terms, headers=headers)).status_code == 200
        detail = (await client.get(url)).json()
        assert (detail["order_increment"], detail["sample_price"]) == (5, 2.5)
        cleared = await client.put(
            url, json={"price_tiers": [], "order_increment": None}, headers=headers
        )
        assert cleared.status_code == 200
        detail = (await client.get(url)).json()
        assert (detail["price_tiers"], detail["order_increment"]) == ([], None)

    @pytest.mark.parametrize("field", ["lots", "price_tiers", "sample_available"])
    async def test_null_is_refused(
        self, client: AsyncClient, session: AsyncSession, seller: User, field: str
    ) -> None:
        material = await make_material(session, seller)
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={field: None}, headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert error_fields(response.json()) == {field}

    async def test_other_users_lots_untouched(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        await make_lots(session, material, ("A", Decimal("10")))
        intruder = await make_user(session)
        response = await client.put(
            f"{MATERIALS}/{material.id}",
            json={"lots": [{"lot_code": "Z", "quantity": 1, "grade": "first"}]},
            headers=auth_headers(intruder),
        )
        assert response.status_code == 403
        assert await lots_of(session, str(material.id)) == [("A", Decimal("10"))]
