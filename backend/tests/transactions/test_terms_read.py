"""POST /api/transactions on the terms a process read of its listing earlier: an order placed
without reading the listing again, whatever the seller (or another process) changed since.
The real app on committed sessions (its one_statement autocommit and guard as in production);
the listing changed behind the app's back, as another process would change it."""

import contextlib
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.materials import stock
from fabricloop.materials.models import Material, MaterialLot
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_lots, make_material, make_user
from tests.transactions.helpers import TRANSACTIONS, order

pytestmark = pytest.mark.concurrency

Parties = tuple[Material, User]


@pytest.fixture
async def parties(committed: async_sessionmaker[AsyncSession]) -> Parties:
    async with committed() as session:
        seller = await make_user(session, role="manufacturer")
        material = await make_material(
            session,
            seller,
            quantity=Decimal("100"),
            price=Decimal("10.00"),
            min_order_quantity=Decimal("10"),
        )
        buyer = await make_user(session, role="brand")
        await session.commit()
    return material, buyer


async def _change(
    committed: async_sessionmaker[AsyncSession], material: Material, **values: Any
) -> None:
    async with committed() as session:
        await session.execute(update(Material).where(Material.id == material.id).values(**values))
        await session.commit()


async def _state(
    committed: async_sessionmaker[AsyncSession], material: Material
) -> tuple[list[tuple[Decimal, Decimal]], Decimal]:
    """The listing's orders (quantity, unit price) and what is left of it."""
    async with committed() as session:
        orders = (
            await session.execute(
                select(Transaction.quantity, Transaction.unit_price)
                .where(Transaction.material_id == material.id)
                .order_by(Transaction.created_at)
            )
        ).all()
        left = await session.scalar(select(Material.quantity).where(Material.id == material.id))
    assert left is not None
    return [(q, p) for q, p in orders], left


@contextlib.contextmanager
def _statements(app: FastAPI) -> Iterator[list[str]]:
    """Every statement the app's engine sends meanwhile (asyncpg's own included)."""
    sent: list[str] = []

    def count(*args: object) -> None:
        sent.append(str(args[2]).lstrip()[:40])

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


@contextlib.asynccontextmanager
async def _read_once(client: AsyncClient, material: Material, buyer: User) -> AsyncIterator[None]:
    """A first order: the app reads (and remembers) the listing."""
    response = await client.post(
        TRANSACTIONS, json=order(material.id, 10), headers=auth_headers(buyer)
    )
    assert response.status_code == 201, response.text
    yield


async def test_an_order_on_terms_read_reads_no_listing(
    app: FastAPI, committed_client: AsyncClient, parties: Parties
) -> None:
    material, buyer = parties
    headers = auth_headers(buyer)
    with _statements(app) as first:
        response = await committed_client.post(
            TRANSACTIONS, json=order(material.id, 10), headers=headers
        )
        assert response.status_code == 201
    with _statements(app) as second:
        response = await committed_client.post(
            TRANSACTIONS, json=order(material.id, 10), headers=headers
        )
        assert response.status_code == 201
    # The login check, then the statement that takes the stock and records the order.
    reads_listing = "SELECT materials.id, materials.seller_id"
    assert reads_listing in first
    assert second == [first[0], first[-1]]


async def test_a_price_changed_since_orders_at_the_new_price(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession], parties: Parties
) -> None:
    material, buyer = parties
    async with _read_once(committed_client, material, buyer):
        await _change(committed, material, price=Decimal("12.34"))
    response = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 10), headers=auth_headers(buyer)
    )
    assert response.status_code == 201, response.text
    assert response.json()["goods_total"] == 123.4
    assert await _state(committed, material) == (
        [(Decimal("10"), Decimal("10.00")), (Decimal("10"), Decimal("12.34"))],
        Decimal("80"),
    )


async def test_the_price_shown_before_a_change_is_refused(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession], parties: Parties
) -> None:
    material, buyer = parties
    async with _read_once(committed_client, material, buyer):
        await _change(committed, material, price=Decimal("12.34"))
    body = order(material.id, 10, expected_unit_price=10)
    response = await committed_client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
    assert response.status_code == 409
    assert_error(response.json(), "price_changed")
    assert response.json()["error"]["details"][0]["current_unit_price"] == "12.34"
    body = order(material.id, 10, expected_unit_price=12.34)
    response = await committed_client.post(TRANSACTIONS, json=body, headers=auth_headers(buyer))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"status": "archived"}, 404, "not_found"),
        ({"status": "draft"}, 404, "not_found"),
        ({"quantity": Decimal("5")}, 409, "insufficient_quantity"),
        ({"quantity": Decimal("0"), "status": "sold_out"}, 409, "insufficient_quantity"),
        ({"min_order_quantity": Decimal("20")}, 422, "below_minimum_order"),
        ({"min_order_quantity": None, "order_increment": Decimal("3")}, 422, "invalid_increment"),
    ],
)
async def test_a_listing_changed_since_answers_as_it_is_now(
    committed_client: AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    parties: Parties,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    material, buyer = parties
    async with _read_once(committed_client, material, buyer):
        await _change(committed, material, **change)
    response = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 10), headers=auth_headers(buyer)
    )
    assert response.status_code == status, response.text
    assert_error(response.json(), code)
    orders, _ = await _state(committed, material)
    assert len(orders) == 1


async def test_a_listing_deleted_since_is_not_found(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession], parties: Parties
) -> None:
    material, buyer = parties
    async with _read_once(committed_client, material, buyer):
        await _change(committed, material, deleted_at=func.now())
    response = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 10), headers=auth_headers(buyer)
    )
    assert response.status_code == 404
    assert await _state(committed, material) == ([(Decimal("10"), Decimal("10.00"))], Decimal("90"))


async def test_a_listing_sold_by_lot_since_needs_a_lot(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession], parties: Parties
) -> None:
    material, buyer = parties
    async with _read_once(committed_client, material, buyer), committed() as session:
        await make_lots(session, material, ("R1", Decimal("40")), ("R2", Decimal("50")))
        await session.commit()
    response = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 10), headers=auth_headers(buyer)
    )
    assert response.status_code == 422, response.text
    assert "lot_code" in response.text
    # Nothing taken from the listing apart from its lots: still their sum.
    assert await _state(committed, material) == ([(Decimal("10"), Decimal("10.00"))], Decimal("90"))
    async with committed() as session:
        await session.execute(delete(MaterialLot).where(MaterialLot.material_id == material.id))
        await session.commit()
    response = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 10), headers=auth_headers(buyer)
    )
    assert response.status_code == 201, response.text


async def test_what_is_left_counts_as_it_is_now(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession], parties: Parties
) -> None:
    """The remnant may be bought below the minimum: what is left now decides, not what was
    left when the listing was read."""
    material, buyer = parties
    headers = auth_headers(buyer)
    await _change(committed, material, quantity=Decimal("15"))
    async with _read_once(committed_client, material, buyer):
        pass
    # Below the minimum: refused on the listing as it is now, 5 left: so the app read it.
    response = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 3), headers=headers
    )
    assert response.status_code == 422, response.text
    await _change(committed, material, quantity=Decimal("100"))  # restocked since
    response = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 5), headers=headers
    )
    assert response.status_code == 422, response.text
    assert_error(response.json(), "below_minimum_order")
    await _change(committed, material, quantity=Decimal("5"))
    response = await committed_client.post(
        TRANSACTIONS, json=order(material.id, 5), headers=headers
    )
    assert response.status_code == 201, response.text
    assert (await _state(committed, material))[1] == Decimal("0")


async def test_the_listings_remembered_are_bounded(
    session: AsyncSession, seller: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The oldest read is forgotten first; a listing read again is the newest; one gone is
    forgotten."""
    monkeypatch.setattr(stock, "LISTINGS_REMEMBERED", 2)
    monkeypatch.setattr(stock, "_remembered", {})
    first, second, third = [await make_material(session, seller) for _ in range(3)]
    for listing in (first, second, first, third):
        await stock.get_listing(session, listing.id)
    assert stock.remembered_listing(second.id) is None
    remembered = stock.remembered_listing(first.id)
    assert remembered is not None
    assert remembered.price == first.price
    assert stock.remembered_listing(third.id) is not None
    await session.execute(delete(Material).where(Material.id == third.id))
    assert await stock.get_listing(session, third.id) is None
    assert stock.remembered_listing(third.id) is None
