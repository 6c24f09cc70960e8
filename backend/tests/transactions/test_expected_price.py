"""POST /api/transactions with `expected_unit_price`: an order is placed only at the price the
buyer was shown."""

from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_user
from tests.transactions.helpers import TRANSACTIONS, order


@pytest.fixture
async def material(session: AsyncSession) -> Material:
    seller = await make_user(session, role="manufacturer")
    return await make_material(session, seller, quantity=Decimal("100"), price=Decimal("10.00"))


async def orders_and_stock(session: AsyncSession, material: Material) -> tuple[int, Decimal]:
    count = await session.scalar(select(func.count()).where(Transaction.material_id == material.id))
    quantity = await session.scalar(
        select(Material.quantity)
        .where(Material.id == material.id)
        .execution_options(populate_existing=True)
    )
    assert count is not None
    assert quantity is not None
    return count, quantity


class TestExpectedUnitPrice:
    @pytest.mark.parametrize("seen", [10, 10.0])
    async def test_the_price_shown_orders(
        self, client: AsyncClient, buyer: User, material: Material, seen: Any
    ) -> None:
        response = await client.post(
            TRANSACTIONS,
            json=order(material.id, 2, expected_unit_price=seen),
            headers=auth_headers(buyer),
        )
        assert response.status_code == 201, response.text
        assert response.json()["total"] == 20

    async def test_absent_or_null_orders_at_the_current_price(
        self, client: AsyncClient, buyer: User, material: Material
    ) -> None:
        for body in (order(material.id, 1), order(material.id, 1, expected_unit_price=None)):
            response = await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
            assert response.status_code == 201, response.text

    async def test_price_changed_since_shown(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        shown = (await client.get(f"/api/materials/{material.id}")).json()["price"]
        assert shown == 10
        await session.execute(
            update(Material).where(Material.id == material.id).values(price=Decimal("12.34"))
        )
        await session.flush()
        response = await client.post(
            TRANSACTIONS,
            json=order(material.id, 2, expected_unit_price=shown),
            headers=auth_headers(buyer),
        )
        assert response.status_code == 409
        assert_error(response.json(), "price_changed")
        [detail] = response.json()["error"]["details"]
        assert detail["field"] == "expected_unit_price"
        assert detail["current_unit_price"] == "12.34"
        assert detail["currency"] == "EUR"
        assert "12.34 EUR" in detail["message"]
        assert await orders_and_stock(session, material) == (0, Decimal("100"))

    async def test_a_cheaper_price_is_a_change_too(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        response = await client.post(
            TRANSACTIONS,
            json=order(material.id, 2, expected_unit_price=10.01),
            headers=auth_headers(buyer),
        )
        assert response.status_code == 409
        assert_error(response.json(), "price_changed")
        assert await orders_and_stock(session, material) == (0, Decimal("100"))

    @pytest.mark.parametrize(
        "bad",
        ["10.00", True, -1, 10.001, 1e15, [10], {"amount": 10}, "NaN", "10; DROP TABLE x"],
    )
    async def test_bad_values(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        bad: Any,
    ) -> None:
        response = await client.post(
            TRANSACTIONS,
            json=order(material.id, 2, expected_unit_price=bad),
            headers=auth_headers(buyer),
        )
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        fields = [d["field"] for d in response.json()["error"]["details"]]
        assert any("expected_unit_price" in f for f in fields)
        assert await orders_and_stock(session, material) == (0, Decimal("100"))


class TestExpectedUnitPriceWithTiers:
    @pytest.fixture
    async def tiered(self, session: AsyncSession) -> Material:
        seller = await make_user(session, role="manufacturer")
        return await make_material(
            session,
            seller,
            quantity=Decimal("100"),
            price=Decimal("10.00"),
            price_tiers=[{"min_quantity": "50", "price": "8.00"}],
        )

    @pytest.mark.usefixtures("session")
    async def test_the_tier_the_quantity_reaches_is_the_price(
        self, client: AsyncClient, buyer: User, tiered: Material
    ) -> None:
        headers = auth_headers(buyer)
        small = order(tiered.id, 10, expected_unit_price=10)
        assert (await client.post(TRANSACTIONS, json=small, headers=headers)).status_code == 201
        large = order(tiered.id, 60, expected_unit_price=10)  # shown the base price
        response = await client.post(TRANSACTIONS, json=large, headers=headers)
        assert response.status_code == 409
        [detail] = response.json()["error"]["details"]
        assert detail["current_unit_price"] == "8.00"
        large["expected_unit_price"] = 8
        response = await client.post(TRANSACTIONS, json=large, headers=headers)
        assert response.status_code == 201
        assert response.json()["total"] == 480


class TestSampleExpectedPrice:
    async def test_sample_price_changed_since_shown(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        await session.execute(
            update(Material)
            .where(Material.id == material.id)
            .values(sample_available=True, sample_price=Decimal("7.50"))
        )
        await session.flush()
        sample = order(material.id, None, kind="sample")
        del sample["quantity"]
        shown = {**sample, "expected_unit_price": 5}
        response = await client.post(TRANSACTIONS, json=shown, headers=auth_headers(buyer))
        assert response.status_code == 409
        assert_error(response.json(), "price_changed")
        [detail] = response.json()["error"]["details"]
        assert detail["current_unit_price"] == "7.50"
        assert await orders_and_stock(session, material) == (0, Decimal("100"))

        current = {**sample, "expected_unit_price": 7.5}
        response = await client.post(TRANSACTIONS, json=current, headers=auth_headers(buyer))
        assert response.status_code == 201, response.text
        assert response.json()["total"] == 7.5
