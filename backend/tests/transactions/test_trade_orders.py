"""Orders on a listing's trade terms: minimum and steps, price tiers, lots, samples."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material, MaterialLot
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_lots, make_material, make_user
from tests.transactions.helpers import TRANSACTIONS, order

TIERS = [{"min_quantity": "50", "price": "4.00"}, {"min_quantity": "100", "price": "3.75"}]


@pytest.fixture
async def stepped(session: AsyncSession, seller: User) -> Material:
    """10 m minimum, 5 m steps, 4.25 a metre, 4.00 from 50 m, 3.75 from 100 m; 203 m left."""
    return await make_material(
        session,
        seller,
        unit="m",
        kg_per_unit=Decimal("0.3"),
        quantity=Decimal("203"),
        price=Decimal("4.25"),
        min_order_quantity=Decimal("10"),
        order_increment=Decimal("5"),
        price_tiers=TIERS,
    )


async def stock_of(session: AsyncSession, material_id: uuid.UUID) -> Decimal:
    result = await session.execute(
        select(Material.quantity)
        .where(Material.id == material_id)
        .execution_options(populate_existing=True)
    )
    return result.scalar_one()


async def lot_stock(session: AsyncSession, material_id: uuid.UUID, code: str) -> Decimal:
    result = await session.execute(
        select(MaterialLot.quantity).where(
            MaterialLot.material_id == material_id, MaterialLot.lot_code == code
        )
    )
    return result.scalar_one()


async def detail(client: AsyncClient, buyer: User, transaction_id: str) -> dict[str, Any]:
    response = await client.get(f"{TRANSACTIONS}/{transaction_id}", headers=auth_headers(buyer))
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


class TestOrderTerms:
    @pytest.mark.parametrize(
        ("quantity", "unit_price", "total"),
        [(10, 4.25, 42.5), (45, 4.25, 191.25), (50, 4.0, 200), (95, 4.0, 380), (100, 3.75, 375)],
    )
    async def test_priced_by_the_tier_reached(
        self,
        client: AsyncClient,
        buyer: User,
        stepped: Material,
        quantity: int,
        unit_price: float,
        total: float,
    ) -> None:
        response = await client.post(
            TRANSACTIONS, json=order(stepped.id, quantity), headers=auth_headers(buyer)
        )
        assert response.status_code == 201, response.text
        assert response.json()["total"] == total
        data = await detail(client, buyer, response.json()["transaction_id"])
        assert (data["unit_price"], data["kind"], data["lot_code"]) == (unit_price, "order", None)

    @pytest.mark.parametrize(
        ("quantity", "code"),
        [
            (5, "below_minimum_order"),
            (9.999, "below_minimum_order"),
            (12, "invalid_increment"),
            (52.5, "invalid_increment"),
        ],
    )
    async def test_off_terms(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        stepped: Material,
        quantity: float,
        code: str,
    ) -> None:
        response = await client.post(
            TRANSACTIONS, json=order(stepped.id, quantity), headers=auth_headers(buyer)
        )
        assert response.status_code == 422
        assert_error(response.json(), code)
        assert await stock_of(session, stepped.id) == Decimal("203")

    async def test_all_that_is_left_may_be_off_terms(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        remnant = await make_material(
            session,
            seller,
            quantity=Decimal("7"),
            min_order_quantity=Decimal("10"),
            order_increment=Decimal("5"),
        )
        response = await client.post(
            TRANSACTIONS, json=order(remnant.id, 7), headers=auth_headers(buyer)
        )
        assert response.status_code == 201, response.text
        assert await stock_of(session, remnant.id) == 0

    async def test_steps_without_a_minimum_are_multiples(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        material = await make_material(session, seller, order_increment=Decimal("2.5"))
        headers = auth_headers(buyer)
        ok = await client.post(TRANSACTIONS, json=order(material.id, 7.5), headers=headers)
        assert ok.status_code == 201
        off = await client.post(TRANSACTIONS, json=order(material.id, 1), headers=headers)
        assert_error(off.json(), "invalid_increment")


class TestLots:
    @pytest.fixture
    async def rolls(self, session: AsyncSession, seller: User) -> Material:
        material = await make_material(
            session, seller, price_tiers=[{"min_quantity": "30", "price": "7.00"}]
        )
        await make_lots(session, material, ("ROLL-1", Decimal("40")), ("ROLL-2", Decimal("25")))
        return material

    async def test_reserved_from_the_lot(
        self, client: AsyncClient, session: AsyncSession, buyer: User, rolls: Material
    ) -> None:
        response = await client.post(
            TRANSACTIONS,
            json=order(rolls.id, 30, lot_code="ROLL-1"),
            headers=auth_headers(buyer),
        )
        assert response.status_code == 201, response.text
        assert response.json()["total"] == 210  # the tier from 30 kg
        assert await lot_stock(session, rolls.id, "ROLL-1") == 10
        assert await lot_stock(session, rolls.id, "ROLL-2") == 25
        assert await stock_of(session, rolls.id) == 35
        data = await detail(client, buyer, response.json()["transaction_id"])
        assert data["lot_code"] == "ROLL-1"
        # More than the lot holds (though the listing has it): 409.
        more = await client.post(
            TRANSACTIONS, json=order(rolls.id, 26, lot_code="ROLL-2"), headers=auth_headers(buyer)
        )
        assert more.status_code == 409
        assert_error(more.json(), "insufficient_quantity")
        assert "ROLL-2" in more.json()["error"]["message"]

    async def test_cancel_returns_stock_to_the_lot(
        self, client: AsyncClient, session: AsyncSession, buyer: User, rolls: Material
    ) -> None:
        headers = auth_headers(buyer)
        created = await client.post(
            TRANSACTIONS, json=order(rolls.id, 25, lot_code="ROLL-2"), headers=headers
        )
        assert created.status_code == 201
        url = f"{TRANSACTIONS}/{created.json()['transaction_id']}/status"
        assert (
            await client.post(url, json={"status": "cancelled"}, headers=headers)
        ).status_code == 200
        assert await lot_stock(session, rolls.id, "ROLL-2") == 25
        assert await stock_of(session, rolls.id) == 65

    @pytest.mark.parametrize(
        ("lot_code", "field"),
        [(None, "lot_code"), ("ROLL-9", "lot_code"), ("", "lot_code"), ("x" * 65, "lot_code")],
    )
    async def test_lot_required_and_known(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        rolls: Material,
        lot_code: str | None,
        field: str,
    ) -> None:
        body = order(rolls.id, 5)
        if lot_code is not None:
            body["lot_code"] = lot_code
        response = await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
        assert response.status_code == 422
        assert {d["field"] for d in response.json()["error"]["details"]} == {field}
        assert await stock_of(session, rolls.id) == 65

    async def test_lot_code_on_a_listing_without_lots(
        self, client: AsyncClient, buyer: User, stepped: Material
    ) -> None:
        response = await client.post(
            TRANSACTIONS, json=order(stepped.id, 10, lot_code="A"), headers=auth_headers(buyer)
        )
        assert response.status_code == 422

    async def test_the_lot_remnant_may_be_off_terms(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        material = await make_material(
            session, seller, min_order_quantity=Decimal("10"), order_increment=Decimal("10")
        )
        await make_lots(session, material, ("A", Decimal("3")), ("B", Decimal("50")))
        headers = auth_headers(buyer)
        remnant = await client.post(
            TRANSACTIONS, json=order(material.id, 3, lot_code="A"), headers=headers
        )
        assert remnant.status_code == 201, remnant.text
        below = await client.post(
            TRANSACTIONS, json=order(material.id, 3, lot_code="B"), headers=headers
        )
        assert_error(below.json(), "below_minimum_order")


class TestSamples:
    @pytest.fixture
    async def swatched(self, session: AsyncSession, seller: User) -> Material:
        return await make_material(
            session,
            seller,
            sample_available=True,
            sample_price=Decimal("12.50"),
            sample_description="A4 swatch",
        )

    async def sample(self, client: AsyncClient, buyer: User, material_id: uuid.UUID) -> Any:
        body = order(material_id, kind="sample")
        body.pop("quantity")
        return await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))

    async def test_paid_sample_is_pending_at_its_price(
        self, client: AsyncClient, session: AsyncSession, buyer: User, swatched: Material
    ) -> None:
        response = await self.sample(client, buyer, swatched.id)
        assert response.status_code == 201, response.text
        assert (response.json()["status"], response.json()["total"]) == ("pending", 12.5)
        data = await detail(client, buyer, response.json()["transaction_id"])
        assert (data["kind"], data["quantity"], data["unit_price"]) == ("sample", 1, 12.5)
        assert await stock_of(session, swatched.id) == 100  # bulk untouched
        payment = await client.post(
            "/api/payments",
            json={"transaction_id": data["transaction_id"], "payment_method": "pm_card_visa"},
            headers=auth_headers(buyer),
        )
        assert payment.status_code == 201, payment.text
        assert payment.json()["amount"] == 12.5

    async def test_free_sample_skips_payment(
        self, client: AsyncClient, session: AsyncSession, seller: User, buyer: User
    ) -> None:
        free = await make_material(
            session, seller, sample_available=True, sample_price=Decimal("0")
        )
        response = await self.sample(client, buyer, free.id)
        assert response.status_code == 201
        assert (response.json()["status"], response.json()["total"]) == ("paid", 0)
        data = await detail(client, buyer, response.json()["transaction_id"])
        assert [h["status"] for h in data["status_history"]] == ["pending", "paid"]
        assert data["paid_at"] is not None

    async def test_one_open_sample_per_buyer_and_listing(
        self, client: AsyncClient, session: AsyncSession, buyer: User, swatched: Material
    ) -> None:
        first = await self.sample(client, buyer, swatched.id)
        again = await self.sample(client, buyer, swatched.id)
        assert again.status_code == 409
        assert_error(again.json(), "sample_already_ordered")
        other = await make_user(session, role="brand")
        assert (await self.sample(client, other, swatched.id)).status_code == 201
        url = f"{TRANSACTIONS}/{first.json()['transaction_id']}/status"
        cancelled = await client.post(
            url, json={"status": "cancelled"}, headers=auth_headers(buyer)
        )
        assert cancelled.status_code == 200
        assert await stock_of(session, swatched.id) == 100  # a sample releases nothing
        assert (await self.sample(client, buyer, swatched.id)).status_code == 201

    async def test_samples_unavailable(
        self, client: AsyncClient, session: AsyncSession, buyer: User, stepped: Material
    ) -> None:
        response = await self.sample(client, buyer, stepped.id)
        assert response.status_code == 422
        assert_error(response.json(), "samples_unavailable")
        count = await session.scalar(select(func.count()).select_from(Transaction))
        assert count == 0

    @pytest.mark.parametrize(
        "overrides", [{"quantity": 2}, {"lot_code": "A"}, {"kind": "swatch"}, {"kind": None}]
    )
    async def test_bad_sample_body(
        self, client: AsyncClient, buyer: User, swatched: Material, overrides: dict[str, Any]
    ) -> None:
        body = {**order(swatched.id, kind="sample"), **overrides}
        body.setdefault("quantity", None)
        if body["quantity"] is None:
            body.pop("quantity")
        response = await client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
        assert response.status_code == 422

    async def test_own_and_unknown_listing(
        self, client: AsyncClient, seller: User, buyer: User, swatched: Material
    ) -> None:
        own = await self.sample(client, seller, swatched.id)
        assert_error(own.json(), "cannot_buy_own_material")
        unknown = await self.sample(client, buyer, uuid.uuid4())
        assert unknown.status_code == 404
