"""Property: for random listings with tiers and steps, every order the API accepts is the
minimum plus a whole number of steps, and is priced at the tier its quantity reaches."""

from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import auth_headers, make_material, make_user
from tests.transactions.helpers import TRANSACTIONS, order

HALF = Decimal("0.5")
STOCK = Decimal("100000")


@st.composite
def listings(draw: st.DrawFn) -> dict[str, Any]:
    minimum = draw(st.one_of(st.none(), st.integers(1, 40).map(lambda n: n * HALF)))
    increment = draw(st.one_of(st.none(), st.integers(1, 20).map(lambda n: n * HALF)))
    price = Decimal(draw(st.integers(200, 2000))) / 100
    tiers: list[dict[str, str]] = []
    start = minimum or Decimal(0)
    step = increment or HALF
    reach = start
    for _ in range(draw(st.integers(0, 3))):
        reach += step * draw(st.integers(1, 30))
        price_drop = Decimal(draw(st.integers(1, 50))) / 100
        previous = Decimal(tiers[-1]["price"]) if tiers else price
        if previous - price_drop <= 0:
            break
        tiers.append({"min_quantity": str(reach), "price": str(previous - price_drop)})
    edges = [Decimal(t["min_quantity"]) for t in tiers] + ([minimum] if minimum else [])
    near = st.sampled_from(edges).flatmap(
        lambda edge: st.sampled_from([edge - HALF, edge, edge + HALF, edge + step])
    )
    anywhere = st.integers(1, 600).map(lambda n: n * HALF)
    quantity = draw(st.one_of(near, anywhere) if edges else anywhere)
    return {
        "min": minimum,
        "increment": increment,
        "price": price,
        "tiers": tiers,
        "quantity": max(quantity, HALF),
    }


def expected_price(listing: dict[str, Any], quantity: Decimal) -> Decimal:
    reached = [
        Decimal(t["price"]) for t in listing["tiers"] if quantity >= Decimal(t["min_quantity"])
    ]
    return reached[-1] if reached else listing["price"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(listing=listings())
async def test_accepted_orders_are_on_the_steps_at_the_tier_price(
    client: AsyncClient, session: AsyncSession, listing: dict[str, Any]
) -> None:
    quantity = listing["quantity"]
    seller = await make_user(session)
    buyer = await make_user(session, role="brand")
    material = await make_material(
        session,
        seller,
        quantity=STOCK,
        price=listing["price"],
        min_order_quantity=listing["min"],
        order_increment=listing["increment"],
        price_tiers=listing["tiers"],
    )
    response = await client.post(
        TRANSACTIONS, json=order(material.id, float(quantity)), headers=auth_headers(buyer)
    )
    minimum, increment = listing["min"], listing["increment"]
    if response.status_code != 201:
        assert response.status_code == 422, response.text
        code = response.json()["error"]["code"]
        if code == "below_minimum_order":
            assert minimum is not None
            assert quantity < minimum
        else:
            assert code == "invalid_increment"
            assert increment is not None
            assert (quantity - (minimum or 0)) % increment != 0
        return
    assert minimum is None or quantity >= minimum
    if increment is not None:
        steps = (quantity - (minimum or Decimal(0))) / increment
        assert steps >= 0
        assert steps % 1 == 0
    transaction = await client.get(
        f"{TRANSACTIONS}/{response.json()['transaction_id']}", headers=auth_headers(buyer)
    )
    assert Decimal(str(transaction.json()["unit_price"])) == expected_price(listing, quantity)
