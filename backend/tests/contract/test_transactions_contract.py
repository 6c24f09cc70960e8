"""The contract, "Transactions" and "Payments": fields, roles, state machine, sandbox outcomes,
Idempotency-Key semantics."""

import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.asserts import error_without_request_id
from tests.contract.helpers import (
    assert_error_response,
    assert_money,
    assert_number,
    assert_timestamp,
    create_material,
    create_transaction,
    is_uuid,
    make_party,
    pay,
    shipping_address,
)


async def deal(client: AsyncClient, session: AsyncSession, **material: Any) -> dict[str, Any]:
    seller, seller_h = await make_party(session, company="Seller Mills")
    buyer, buyer_h = await make_party(session, role="brand", company="Buyer Brand")
    created = await create_material(client, seller_h, **material)
    return {
        "seller": seller,
        "seller_h": seller_h,
        "buyer": buyer,
        "buyer_h": buyer_h,
        "material": created,
    }


async def set_status(
    client: AsyncClient, headers: dict[str, str], tx_id: str, status: str, **extra: Any
) -> Any:
    return await client.post(
        f"/api/transactions/{tx_id}/status", json={"status": status, **extra}, headers=headers
    )


class TestCreate:
    async def test_fields(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session, price=6.4, quantity=100, unit="kg", kg_per_unit=None)
        response = await client.post(
            "/api/transactions",
            json={
                "material_id": d["material"]["material_id"],
                "quantity": 10.125,
                "shipping_address": {**shipping_address(), "line2": "Door 4", "region": "Norte"},
            },
            headers=d["buyer_h"],
        )
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {
            "transaction_id",
            "status",
            "goods_total",
            "shipping_price",
            "shipping_method",
            "total",
            "currency",
            "created_at",
        }
        assert is_uuid(data["transaction_id"])
        assert data["status"] == "pending"
        assert_money(data["total"])
        assert data["total"] == 64.8  # 6.4 x 10.125 = 64.80 (half-up)
        assert data["currency"] == "EUR"
        assert_timestamp(data["created_at"])

    async def test_half_up_rounding(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session, price=0.05, quantity=100, unit="kg", kg_per_unit=None)
        tx = await create_transaction(
            client, d["buyer_h"], d["material"]["material_id"], quantity=10.1
        )
        assert tx["total"] == 0.51  # 0.505 rounds half-up

    async def test_errors(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session, quantity=20, min_order_quantity=5)
        mid = d["material"]["material_id"]

        def body(**o: Any) -> dict[str, Any]:
            return {"material_id": mid, "quantity": 10, "shipping_address": shipping_address(), **o}

        assert_error_response(
            await client.post("/api/transactions", json=body()), 401, "unauthorized"
        )
        assert_error_response(
            await client.post(
                "/api/transactions", json=body(material_id=str(uuid.uuid4())), headers=d["buyer_h"]
            ),
            404,
            "not_found",
        )
        assert_error_response(
            await client.post("/api/transactions", json=body(quantity=21), headers=d["buyer_h"]),
            409,
            "insufficient_quantity",
        )
        assert_error_response(
            await client.post("/api/transactions", json=body(), headers=d["seller_h"]),
            422,
            "cannot_buy_own_material",
        )
        assert_error_response(
            await client.post("/api/transactions", json=body(quantity=4), headers=d["buyer_h"]),
            422,
            "below_minimum_order",
        )
        for bad in (
            body(quantity=0),
            body(quantity="ten"),
            body(shipping_address={"line1": "x"}),
            body(shipping_address={**shipping_address(), "country": "ZZ"}),
        ):
            assert_error_response(
                await client.post("/api/transactions", json=bad, headers=d["buyer_h"]),
                422,
                "validation_error",
            )

    async def test_stock_reserved_and_released(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        d = await deal(client, session, quantity=30, min_order_quantity=1)
        mid = d["material"]["material_id"]
        tx = await create_transaction(client, d["buyer_h"], mid, quantity=20)
        assert (await client.get(f"/api/materials/{mid}")).json()["quantity"] == 10
        assert (
            await set_status(client, d["seller_h"], tx["transaction_id"], "cancelled")
        ).status_code == 200
        assert (await client.get(f"/api/materials/{mid}")).json()["quantity"] == 30


class TestDetailAndList:
    async def test_detail_fields(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        response = await client.get(
            f"/api/transactions/{tx['transaction_id']}", headers=d["seller_h"]
        )
        assert response.status_code == 200
        data = response.json()
        assert set(data) >= {
            "transaction_id",
            "material_id",
            "material_title",
            "quantity",
            "unit",
            "unit_price",
            "total",
            "currency",
            "status",
            "buyer",
            "seller",
            "shipping_address",
            "status_history",
            "created_at",
            "updated_at",
        }
        assert data["material_id"] == d["material"]["material_id"]
        assert data["material_title"] == d["material"]["title"]
        assert_number(data["quantity"])
        assert data["quantity"] == 10
        assert data["unit"] == "m"
        assert_money(data["unit_price"])
        assert data["unit_price"] == 6.4
        assert data["total"] == 64.0
        assert data["buyer"] == {
            "user_id": str(d["buyer"].id),
            "company_name": "Buyer Brand",
            "verified": False,
        }
        assert data["seller"] == {
            "user_id": str(d["seller"].id),
            "company_name": "Seller Mills",
            "verified": False,
        }
        assert data["shipping_address"]["recipient_name"] == "Goods in"
        assert data["shipping_address"]["country"] == "PT"
        assert len(data["status_history"]) == 1
        assert set(data["status_history"][0]) == {"status", "at"}
        assert data["status_history"][0]["status"] == "pending"
        assert_timestamp(data["status_history"][0]["at"])
        assert_timestamp(data["created_at"])
        assert_timestamp(data["updated_at"])

    async def test_detail_404_for_non_party(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        d = await deal(client, session)
        _, stranger = await make_party(session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        path = f"/api/transactions/{tx['transaction_id']}"
        assert_error_response(await client.get(path), 401, "unauthorized")
        assert_error_response(await client.get(path, headers=stranger), 404, "not_found")
        assert_error_response(
            await client.get(f"/api/transactions/{uuid.uuid4()}", headers=d["buyer_h"]),
            404,
            "not_found",
        )

    async def test_list_roles_and_status(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])

        async def listed(headers: dict[str, str], **params: Any) -> list[str]:
            response = await client.get("/api/transactions", params=params, headers=headers)
            assert response.status_code == 200
            body = response.json()
            assert set(body) == {"transactions", "total", "page", "limit"}
            assert body["total"] == len(body["transactions"])
            return [t["transaction_id"] for t in body["transactions"]]

        assert await listed(d["buyer_h"], role="buyer") == [tx["transaction_id"]]
        assert await listed(d["buyer_h"], role="seller") == []
        assert await listed(d["seller_h"], role="seller") == [tx["transaction_id"]]
        assert await listed(d["seller_h"]) == [tx["transaction_id"]]
        assert await listed(d["buyer_h"], status="pending") == [tx["transaction_id"]]
        assert await listed(d["buyer_h"], status="paid") == []
        for params in ({"role": "admin"}, {"status": "lost"}):
            assert_error_response(
                await client.get("/api/transactions", params=params, headers=d["buyer_h"]),
                400,
                "invalid_query",
            )
        assert_error_response(await client.get("/api/transactions"), 401, "unauthorized")


class TestStatus:
    async def test_full_lifecycle(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        tid = tx["transaction_id"]
        assert (await pay(client, d["buyer_h"], tid)).status_code == 201
        assert_error_response(
            await set_status(client, d["buyer_h"], tid, "shipped"), 403, "forbidden"
        )
        shipped = await set_status(client, d["seller_h"], tid, "shipped", tracking_number="TRK1")
        assert shipped.status_code == 200
        data = shipped.json()
        assert set(data) == {"transaction_id", "status", "updated_at"}
        assert data["status"] == "shipped"
        assert_timestamp(data["updated_at"])
        assert_error_response(
            await set_status(client, d["seller_h"], tid, "completed"), 403, "forbidden"
        )
        assert (await set_status(client, d["buyer_h"], tid, "completed")).status_code == 200
        detail = (await client.get(f"/api/transactions/{tid}", headers=d["buyer_h"])).json()
        assert [h["status"] for h in detail["status_history"]] == [
            "pending",
            "paid",
            "shipped",
            "completed",
        ]
        assert_error_response(
            await set_status(client, d["buyer_h"], tid, "cancelled"), 409, "invalid_transition"
        )

    async def test_errors(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session)
        _, stranger = await make_party(session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        tid = tx["transaction_id"]
        assert_error_response(
            await client.post(f"/api/transactions/{tid}/status", json={"status": "shipped"}),
            401,
            "unauthorized",
        )
        assert_error_response(
            await set_status(client, stranger, tid, "cancelled"), 404, "not_found"
        )
        assert_error_response(
            await set_status(client, d["seller_h"], str(uuid.uuid4()), "shipped"), 404, "not_found"
        )
        assert_error_response(
            await set_status(client, d["seller_h"], tid, "shipped"), 409, "invalid_transition"
        )
        assert_error_response(
            await set_status(client, d["buyer_h"], tid, "teleported"), 422, "validation_error"
        )

    @pytest.mark.parametrize("who", ["buyer_h", "seller_h"])
    async def test_cancel_by_either(
        self, client: AsyncClient, session: AsyncSession, who: str
    ) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        response = await set_status(client, d[who], tx["transaction_id"], "cancelled")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"


class TestPayments:
    async def test_success(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        response = await pay(client, d["buyer_h"], tx["transaction_id"], "pm_card_mastercard")
        assert response.status_code == 201
        data = response.json()
        assert set(data) >= {"payment_id", "status", "transaction_id", "amount", "currency"}
        assert data["status"] == "succeeded"
        assert data["transaction_id"] == tx["transaction_id"]
        assert data["amount"] == tx["total"]
        assert_money(data["amount"])
        assert data["currency"] == tx["currency"]
        detail = await client.get(f"/api/transactions/{tx['transaction_id']}", headers=d["buyer_h"])
        assert detail.json()["status"] == "paid"
        for headers in (d["buyer_h"], d["seller_h"]):
            got = await client.get(f"/api/payments/{data['payment_id']}", headers=headers)
            assert got.status_code == 200
            assert got.json()["payment_id"] == data["payment_id"]
        _, stranger = await make_party(session)
        assert_error_response(
            await client.get(f"/api/payments/{data['payment_id']}", headers=stranger),
            404,
            "not_found",
        )
        assert_error_response(
            await pay(client, d["buyer_h"], tx["transaction_id"]), 409, "already_paid"
        )

    @pytest.mark.parametrize(
        ("method", "decline_code"),
        [
            ("pm_card_visa_chargeDeclined", "generic_decline"),
            ("pm_card_visa_chargeDeclinedInsufficientFunds", "insufficient_funds"),
            ("pm_card_chargeDeclinedExpiredCard", "expired_card"),
        ],
    )
    async def test_declines(
        self, client: AsyncClient, session: AsyncSession, method: str, decline_code: str
    ) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        response = await pay(client, d["buyer_h"], tx["transaction_id"], method)
        error = assert_error_response(response, 402, "payment_failed")
        assert error["decline_code"] == decline_code
        assert is_uuid(error["payment_id"])
        record = await client.get(f"/api/payments/{error['payment_id']}", headers=d["buyer_h"])
        assert record.status_code == 200
        assert record.json()["status"] == "failed"
        detail = await client.get(f"/api/transactions/{tx['transaction_id']}", headers=d["buyer_h"])
        assert detail.json()["status"] == "pending"
        assert (await pay(client, d["buyer_h"], tx["transaction_id"])).status_code == 201

    async def test_requires_action_202(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        response = await pay(
            client, d["buyer_h"], tx["transaction_id"], "pm_card_authenticationRequired"
        )
        assert response.status_code == 202
        assert response.json()["status"] == "requires_action"
        detail = await client.get(f"/api/transactions/{tx['transaction_id']}", headers=d["buyer_h"])
        assert detail.json()["status"] == "pending"
        pending_id = response.json()["payment_id"]
        record = await client.get(f"/api/payments/{pending_id}", headers=d["seller_h"])
        assert record.json()["status"] == "requires_action"
        retried = await pay(client, d["buyer_h"], tx["transaction_id"], "pm_card_visa")
        assert retried.status_code == 201

    async def test_errors(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        tid = tx["transaction_id"]
        body = {"transaction_id": tid, "payment_method": "pm_card_visa"}
        assert_error_response(await client.post("/api/payments", json=body), 401, "unauthorized")
        assert_error_response(await pay(client, d["seller_h"], tid), 404, "not_found")
        assert_error_response(await pay(client, d["buyer_h"], str(uuid.uuid4())), 404, "not_found")
        assert_error_response(
            await client.post("/api/payments", json={"transaction_id": tid}, headers=d["buyer_h"]),
            422,
            "validation_error",
        )
        await set_status(client, d["buyer_h"], tid, "cancelled")
        assert_error_response(await pay(client, d["buyer_h"], tid), 409, "invalid_transition")
        assert_error_response(
            await client.get(f"/api/payments/{uuid.uuid4()}", headers=d["buyer_h"]),
            404,
            "not_found",
        )

    async def test_idempotency(self, client: AsyncClient, session: AsyncSession) -> None:
        d = await deal(client, session)
        tx1 = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        tx2 = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        key = f"key-{uuid.uuid4()}"
        first = await pay(client, d["buyer_h"], tx1["transaction_id"], key=key)
        again = await pay(client, d["buyer_h"], tx1["transaction_id"], key=key)
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        reused = await pay(client, d["buyer_h"], tx2["transaction_id"], key=key)
        assert_error_response(reused, 422, "idempotency_key_reused")
        # Per user: another user's identical key is independent.
        other = await deal(client, session)
        otx = await create_transaction(client, other["buyer_h"], other["material"]["material_id"])
        assert (
            await pay(client, other["buyer_h"], otx["transaction_id"], key=key)
        ).status_code == 201

    async def test_idempotent_decline_replayed(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        d = await deal(client, session)
        tx = await create_transaction(client, d["buyer_h"], d["material"]["material_id"])
        key = f"key-{uuid.uuid4()}"
        method = "pm_card_visa_chargeDeclined"
        first = await pay(client, d["buyer_h"], tx["transaction_id"], method, key=key)
        again = await pay(client, d["buyer_h"], tx["transaction_id"], method, key=key)
        assert first.status_code == again.status_code == 402
        assert error_without_request_id(first) == error_without_request_id(again)

    async def test_webhook_bad_signature_400(self, client: AsyncClient) -> None:
        response = await client.post(
            "/api/payments/webhook",
            content=b'{"id": "evt_1", "type": "payment_intent.succeeded"}',
            headers={"Stripe-Signature": "t=1,v1=deadbeef", "Content-Type": "application/json"},
        )
        assert_error_response(response, 400, "bad_request")
        unsigned = await client.post("/api/payments/webhook", content=b"{}")
        assert unsigned.status_code == 400
