"""The contract, "Trade": offers and their turns, samples, saved searches."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import (
    assert_error_response,
    assert_timestamp,
    create_material,
    is_uuid,
    make_party,
    shipping_address,
)

pytestmark = pytest.mark.usefixtures("session")


async def _offer(client: AsyncClient, session: AsyncSession, **material: Any) -> dict[str, Any]:
    _, seller_h = await make_party(session)
    _, buyer_h = await make_party(session, role="brand")
    listing = await create_material(client, seller_h, **material)
    body = {
        "material_id": listing["material_id"],
        "quantity": 10,
        "unit_price": 8.5,
        "currency": "EUR",
    }
    created = await client.post("/api/offers", json=body, headers=buyer_h)
    assert created.status_code == 201, created.text
    return {
        "seller_h": seller_h,
        "buyer_h": buyer_h,
        "listing": listing,
        "offer": created.json(),
        "body": body,
    }


async def test_create_offer_shape(client: AsyncClient, session: AsyncSession) -> None:
    deal = await _offer(client, session)
    offer = deal["offer"]
    assert is_uuid(offer["offer_id"])
    assert offer["status"] == "open"
    assert_timestamp(offer["expires_at"])
    expires = datetime.fromisoformat(offer["expires_at"].replace("Z", "+00:00"))
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=72))) < timedelta(minutes=5)
    assert [r["by"] for r in offer["rounds"]] == ["buyer"]
    assert {"by", "quantity", "unit_price", "at"} <= set(offer["rounds"][0])
    own = await client.post("/api/offers", json=deal["body"], headers=deal["seller_h"])
    assert_error_response(own, 403, "forbidden")
    unknown = await client.post(
        "/api/offers",
        json={**deal["body"], "material_id": str(uuid.uuid4())},
        headers=deal["buyer_h"],
    )
    assert_error_response(unknown, 404, "not_found")


async def test_offer_turns(client: AsyncClient, session: AsyncSession) -> None:
    deal = await _offer(client, session)
    url = f"/api/offers/{deal['offer']['offer_id']}"
    own_round = await client.post(
        f"{url}/counter", json={"quantity": 10, "unit_price": 9}, headers=deal["buyer_h"]
    )
    assert_error_response(own_round, 403, "forbidden")
    accept_own = await client.post(f"{url}/accept", headers=deal["buyer_h"])
    assert_error_response(accept_own, 403, "forbidden")
    withdraw_other = await client.post(f"{url}/withdraw", headers=deal["seller_h"])
    assert_error_response(withdraw_other, 403, "forbidden")
    countered = await client.post(
        f"{url}/counter", json={"quantity": 10, "unit_price": 9.5}, headers=deal["seller_h"]
    )
    assert countered.status_code == 200, countered.text
    assert [r["by"] for r in countered.json()["rounds"]] == ["buyer", "seller"]
    _, stranger_h = await make_party(session, role="brand")
    assert_error_response(await client.get(url, headers=stranger_h), 404, "not_found")
    for action in ("accept", "decline", "withdraw"):
        response = await client.post(f"{url}/{action}", headers=stranger_h)
        assert_error_response(response, 404, "not_found")
    listed = await client.get("/api/offers?role=buyer", headers=deal["buyer_h"])
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 1
    assert {"offers", "total", "page", "limit"} <= set(listed.json())
    bad = await client.get("/api/offers?role=nobody", headers=deal["buyer_h"])
    assert bad.status_code == 400, bad.text
    accepted = await client.post(f"{url}/accept", headers=deal["buyer_h"])
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert is_uuid(accepted.json()["transaction_id"])
    order = await client.get(
        f"/api/transactions/{accepted.json()['transaction_id']}", headers=deal["buyer_h"]
    )
    assert order.json()["status"] == "pending"
    assert order.json()["unit_price"] == 9.5
    again = await client.post(f"{url}/decline", headers=deal["seller_h"])
    assert again.status_code == 409, again.text


async def test_decline_and_withdraw(client: AsyncClient, session: AsyncSession) -> None:
    deal = await _offer(client, session)
    url = f"/api/offers/{deal['offer']['offer_id']}"
    declined = await client.post(f"{url}/decline", headers=deal["seller_h"])
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    deal = await _offer(client, session)
    url = f"/api/offers/{deal['offer']['offer_id']}"
    withdrawn = await client.post(f"{url}/withdraw", headers=deal["buyer_h"])
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    countered = await client.post(
        f"{url}/counter", json={"quantity": 10, "unit_price": 9}, headers=deal["seller_h"]
    )
    assert countered.status_code == 409, countered.text


async def test_samples(client: AsyncClient, session: AsyncSession) -> None:
    _, seller_h = await make_party(session)
    _, buyer_h = await make_party(session, role="brand")
    plain = await create_material(client, seller_h)
    none = await client.post(
        "/api/transactions",
        json={
            "material_id": plain["material_id"],
            "kind": "sample",
            "shipping_address": shipping_address(),
        },
        headers=buyer_h,
    )
    assert_error_response(none, 422, "samples_unavailable")
    free = await create_material(
        client, seller_h, sample_available=True, sample_price=0, sample_description="A4 swatch"
    )
    body = {
        "material_id": free["material_id"],
        "kind": "sample",
        "shipping_address": shipping_address(),
    }
    ordered = await client.post("/api/transactions", json=body, headers=buyer_h)
    assert ordered.status_code == 201, ordered.text
    assert ordered.json()["status"] == "paid"
    sample = await client.get(
        f"/api/transactions/{ordered.json()['transaction_id']}", headers=buyer_h
    )
    assert sample.json()["quantity"] == 1
    assert ordered.json()["total"] == 0
    twice = await client.post("/api/transactions", json=body, headers=buyer_h)
    assert twice.status_code == 409, twice.text


async def test_saved_searches(client: AsyncClient, session: AsyncSession) -> None:
    _, headers = await make_party(session, role="brand")
    created = await client.post(
        "/api/saved-searches",
        json={"name": "Organic denim", "query": {"q": "denim"}, "alert": True},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    saved_id = created.json()["saved_search_id"]
    assert is_uuid(saved_id)
    listed = await client.get("/api/saved-searches", headers=headers)
    assert listed.status_code == 200, listed.text
    assert saved_id in listed.text
    _, other_h = await make_party(session, role="brand")
    other = await client.delete(f"/api/saved-searches/{saved_id}", headers=other_h)
    assert_error_response(other, 404, "not_found")
    deleted = await client.delete(f"/api/saved-searches/{saved_id}", headers=headers)
    assert deleted.status_code == 204
    assert (
        await client.delete(f"/api/saved-searches/{saved_id}", headers=headers)
    ).status_code == 404
    anonymous = await client.get("/api/saved-searches")
    assert_error_response(anonymous, 401, "unauthorized")


async def test_minimum_increment_tiers_and_lots(client: AsyncClient, session: AsyncSession) -> None:
    _, seller_h = await make_party(session)
    _, buyer_h = await make_party(session, role="brand")
    listing = await create_material(
        client,
        seller_h,
        quantity=100,
        price=6,
        min_order_quantity=10,
        order_increment=5,
        price_tiers=[{"min_quantity": 50, "price": 5}],
    )

    async def order(quantity: float, **extra: Any) -> Any:
        body = {
            "material_id": listing["material_id"],
            "quantity": quantity,
            "shipping_address": shipping_address(),
            **extra,
        }
        return await client.post("/api/transactions", json=body, headers=buyer_h)

    assert_error_response(await order(5), 422, "below_minimum_order")
    assert_error_response(await order(12), 422, "invalid_increment")
    tiered = await order(50)
    assert tiered.status_code == 201, tiered.text
    assert tiered.json()["total"] == 250
    lotted = await create_material(
        client,
        seller_h,
        quantity=30,
        min_order_quantity=None,
        lots=[
            {"lot_code": "A1", "quantity": 10, "grade": "first"},
            {"lot_code": "B2", "quantity": 20, "grade": "second"},
        ],
    )
    detail = (await client.get(f"/api/materials/{lotted['material_id']}")).json()
    assert detail["quantity"] == 30
    no_lot = await client.post(
        "/api/transactions",
        json={
            "material_id": lotted["material_id"],
            "quantity": 5,
            "shipping_address": shipping_address(),
        },
        headers=buyer_h,
    )
    assert no_lot.status_code == 422, no_lot.text


async def test_offer_terms_checked_as_an_order(client: AsyncClient, session: AsyncSession) -> None:
    _, seller_h = await make_party(session)
    _, buyer_h = await make_party(session, role="brand")
    listing = await create_material(
        client, seller_h, quantity=100, min_order_quantity=10, order_increment=5
    )
    base = {"material_id": listing["material_id"], "unit_price": 5, "currency": "EUR"}
    below = await client.post("/api/offers", json={**base, "quantity": 5}, headers=buyer_h)
    assert_error_response(below, 422, "below_minimum_order")
    step = await client.post("/api/offers", json={**base, "quantity": 12}, headers=buyer_h)
    assert_error_response(step, 422, "invalid_increment")
