"""POST /api/transactions/{id}/refunds and the seller cancelling a paid order."""

import uuid
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.ledger import service as ledger
from fabricloop.ledger.models import LedgerEntry
from fabricloop.materials.models import Material
from fabricloop.refunds.models import Refund
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_transaction, make_user
from tests.refunds.helpers import assert_ledger_balances, detail, paid_order, refunds_url
from tests.transactions.helpers import TRANSACTIONS


@pytest.fixture
async def seller(session: AsyncSession) -> User:
    return await make_user(session, company_name="Fiação do Norte")


@pytest.fixture
async def material(session: AsyncSession, seller: User) -> Material:
    # 8.50 a piece, 20 pieces listed.
    return await make_material(
        session, seller, quantity=Decimal("20"), unit="piece", kg_per_unit=Decimal("1")
    )


async def refunds_of(session: AsyncSession, transaction_id: uuid.UUID) -> list[Refund]:
    result = await session.execute(select(Refund).where(Refund.transaction_id == transaction_id))
    return list(result.scalars())


class TestPaymentRecordsTheFee:
    async def test_fee_and_charge_in_the_ledger(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 10)
        as_seller = await detail(client, seller, transaction_id)
        # 85.00 at 5%: 4.25 to the platform, 80.75 to the seller.
        assert as_seller["platform_fee"] == 4.25
        assert as_seller["seller_payout"] == 80.75
        assert as_seller["refunded_amount"] == 0
        assert as_seller["payout_status"] == "held"
        as_buyer = await detail(client, buyer, transaction_id)
        assert as_buyer["platform_fee"] is None
        assert as_buyer["seller_payout"] is None
        assert as_buyer["payout_status"] == "held"
        entries = await ledger.entries(session, transaction_id)
        assert [(e.kind, e.amount) for e in entries] == [
            ("charge", Decimal("85.00")),
            ("fee", Decimal("4.25")),
        ]
        assert entries[0].reference is not None
        assert entries[0].reference.startswith("pi_")
        await assert_ledger_balances(session, transaction_id)

    async def test_unpaid_order_has_no_fee(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        pending = await make_transaction(session, material, buyer)
        data = await detail(client, seller, pending.id)
        assert data["platform_fee"] is None
        assert data["seller_payout"] is None
        assert (data["refunded_amount"], data["payout_status"]) == (0, "none")

    async def test_the_ledger_is_append_only(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material)
        for statement in (
            update(LedgerEntry).values(amount=Decimal("1.00")),
            delete(LedgerEntry),
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                async with session.begin_nested():
                    await session.execute(
                        statement.where(LedgerEntry.transaction_id == transaction_id)
                    )


class TestCreateRefund:
    async def test_partial_then_the_rest(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 10)
        response = await client.post(
            refunds_url(transaction_id),
            json={"amount": 25.5, "reason": "Two rolls were stained ✂"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["amount"] == 25.5
        assert body["currency"] == "EUR"
        assert body["status"] == "succeeded"
        assert body["transaction_id"] == str(transaction_id)
        assert body["reason"] == "Two rolls were stained ✂"
        uuid.UUID(body["refund_id"])
        data = await detail(client, seller, transaction_id)
        # 59.50 kept: the fee falls pro rata to 2.98 (4.25 * 59.50 / 85.00 = 2.975, half-up).
        assert data["refunded_amount"] == 25.5
        assert data["platform_fee"] == 2.98
        assert data["seller_payout"] == 56.52
        assert data["status"] == "paid"
        await assert_ledger_balances(session, transaction_id)

        rest = await client.post(
            refunds_url(transaction_id),
            json={"reason": "Order cancelled"},
            headers=auth_headers(seller),
        )
        assert rest.status_code == 201, rest.text
        assert rest.json()["amount"] == 59.5
        data = await detail(client, seller, transaction_id)
        assert data["status"] == "cancelled"
        assert data["refunded_amount"] == 85.0
        assert (data["platform_fee"], data["seller_payout"]) == (0, 0)
        assert data["payout_status"] == "none"
        await session.refresh(material)
        assert material.quantity == Decimal("20")  # the stock came back
        await assert_ledger_balances(session, transaction_id)
        kinds = [(e.kind, e.amount) for e in await ledger.entries(session, transaction_id)]
        assert ("refund", Decimal("25.50")) in kinds
        assert ("refund", Decimal("59.50")) in kinds
        refunds = await refunds_of(session, transaction_id)
        assert len({r.gateway_reference for r in refunds}) == 2

    async def test_shipped_order_refunded_in_full_stays_shipped(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 2)
        shipped = await client.post(
            f"{TRANSACTIONS}/{transaction_id}/status",
            json={"status": "shipped"},
            headers=auth_headers(seller),
        )
        assert shipped.status_code == 200
        response = await client.post(
            refunds_url(transaction_id),
            json={"reason": "Lost in transit"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 201
        data = await detail(client, seller, transaction_id)
        assert (data["status"], data["refunded_amount"]) == ("shipped", 17.0)
        await session.refresh(material)
        assert material.quantity == Decimal("18")  # shipped goods don't come back
        await assert_ledger_balances(session, transaction_id)

    @pytest.mark.parametrize(
        "amount",
        [0, -1, 0.001, 85.01, 1000, 1e30],
        ids=["zero", "negative", "three_decimals", "more_than_left", "far_more", "huge"],
    )
    async def test_bad_amounts(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
        amount: float,
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 10)
        response = await client.post(
            refunds_url(transaction_id),
            json={"amount": amount, "reason": "x"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 422, response.text
        if amount in (85.01, 1000):
            assert_error(response.json(), "refund_exceeds_remaining")
            assert response.json()["error"]["details"][0]["field"] == "amount"
        assert await refunds_of(session, transaction_id) == []
        assert (await detail(client, seller, transaction_id))["refunded_amount"] == 0

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"reason": ""},
            {"reason": "   "},
            {"reason": "x" * 501},
            {"reason": "nul\x00byte"},
            {"reason": 5},
            {"reason": "ok", "amount": "10"},
            {"reason": "ok", "amount": True},
            {"reason": "ok", "status": "succeeded"},
            {"reason": "ok", "amount": None, "transaction_id": str(uuid.uuid4())},
        ],
    )
    async def test_bad_body(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
        body: dict[str, object],
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        response = await client.post(
            refunds_url(transaction_id), json=body, headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert await refunds_of(session, transaction_id) == []

    async def test_injection_and_unicode_reason_kept_as_text(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        reason = "'; DROP TABLE refunds; -- 退款\nsecond line"
        response = await client.post(
            refunds_url(transaction_id),
            json={"amount": 1, "reason": reason},
            headers=auth_headers(seller),
        )
        assert response.status_code == 201
        (refund,) = await refunds_of(session, transaction_id)
        assert refund.reason == reason

    async def test_longest_reason(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        response = await client.post(
            refunds_url(transaction_id),
            json={"amount": 0.01, "reason": "é" * 500},
            headers=auth_headers(seller),
        )
        assert response.status_code == 201

    async def test_buyer_is_403(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        response = await client.post(
            refunds_url(transaction_id),
            json={"reason": "I want my money"},
            headers=auth_headers(buyer),
        )
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")
        assert await refunds_of(session, transaction_id) == []

    async def test_others_unknown_and_malformed_are_404(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        stranger = await make_user(session)
        for url, user in (
            (refunds_url(transaction_id), stranger),
            (refunds_url(uuid.uuid4()), stranger),
        ):
            response = await client.post(url, json={"reason": "x"}, headers=auth_headers(user))
            assert response.status_code == 404
            assert_error(response.json(), "not_found")
        malformed = await client.post(
            refunds_url("1 OR 1=1"), json={"reason": "x"}, headers=auth_headers(stranger)
        )
        assert malformed.status_code in (404, 422)
        assert await refunds_of(session, transaction_id) == []

    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.post(refunds_url(uuid.uuid4()), json={"reason": "x"})
        assert response.status_code == 401

    @pytest.mark.parametrize("status", ["pending", "cancelled"])
    async def test_unpaid_is_409(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
        status: str,
    ) -> None:
        transaction = await make_transaction(session, material, buyer, status=status)
        response = await client.post(
            refunds_url(transaction.id), json={"reason": "x"}, headers=auth_headers(seller)
        )
        assert response.status_code == 409
        assert_error(response.json(), "not_paid")

    async def test_nothing_left_is_422(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        first = await client.post(
            refunds_url(transaction_id), json={"reason": "all"}, headers=auth_headers(seller)
        )
        assert first.status_code == 201
        again = await client.post(
            refunds_url(transaction_id), json={"reason": "again"}, headers=auth_headers(seller)
        )
        assert again.status_code == 422
        assert_error(again.json(), "refund_exceeds_remaining")


class TestSellerCancelsPaidOrder:
    async def test_full_refund_and_stock_back(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 4)
        await session.refresh(material)
        assert material.quantity == Decimal("16")
        response = await client.post(
            f"{TRANSACTIONS}/{transaction_id}/status",
            json={"status": "cancelled"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "cancelled"
        data = await detail(client, seller, transaction_id)
        assert (data["refunded_amount"], data["payout_status"]) == (34.0, "none")
        await session.refresh(material)
        assert material.quantity == Decimal("20")
        (refund,) = await refunds_of(session, transaction_id)
        assert (refund.amount, refund.requested_by) == (Decimal("34.00"), seller.id)
        await assert_ledger_balances(session, transaction_id)

    async def test_buyer_cannot_cancel_paid(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        response = await client.post(
            f"{TRANSACTIONS}/{transaction_id}/status",
            json={"status": "cancelled"},
            headers=auth_headers(buyer),
        )
        assert response.status_code == 409
        assert_error(response.json(), "invalid_transition")
        assert await refunds_of(session, transaction_id) == []

    async def test_shipped_cannot_be_cancelled(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        url = f"{TRANSACTIONS}/{transaction_id}/status"
        await client.post(url, json={"status": "shipped"}, headers=auth_headers(seller))
        response = await client.post(
            url, json={"status": "cancelled"}, headers=auth_headers(seller)
        )
        assert response.status_code == 409


class TestListRefunds:
    async def test_both_parties_see_them(
        self, client: AsyncClient, buyer: User, seller: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 10)
        for amount, reason in ((10, "Short by a piece"), (5.5, "Stained edge ✂")):
            response = await client.post(
                refunds_url(transaction_id),
                json={"amount": amount, "reason": reason},
                headers=auth_headers(seller),
            )
            assert response.status_code == 201, response.text
        for user in (buyer, seller):
            response = await client.get(refunds_url(transaction_id), headers=auth_headers(user))
            assert response.status_code == 200
            refunds = response.json()["refunds"]
            # (Both are made inside the test's one database transaction: same created_at.)
            assert sorted((r["amount"], r["reason"]) for r in refunds) == [
                (5.5, "Stained edge ✂"),
                (10, "Short by a piece"),
            ]
            assert {r["currency"] for r in refunds} == {"EUR"}
            assert {r["transaction_id"] for r in refunds} == {str(transaction_id)}

    async def test_none_yet_is_an_empty_list(
        self, client: AsyncClient, buyer: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        response = await client.get(refunds_url(transaction_id), headers=auth_headers(buyer))
        assert response.status_code == 200
        assert response.json() == {"refunds": []}

    async def test_others_unknown_malformed_and_anonymous(
        self, client: AsyncClient, session: AsyncSession, buyer: User, material: Material
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 1)
        stranger = await make_user(session)
        for url in (refunds_url(transaction_id), refunds_url(uuid.uuid4())):
            response = await client.get(url, headers=auth_headers(stranger))
            assert response.status_code == 404
            assert_error(response.json(), "not_found")
        malformed = await client.get(refunds_url("1 OR 1=1"), headers=auth_headers(buyer))
        assert malformed.status_code in (404, 422)
        assert (await client.get(refunds_url(transaction_id))).status_code == 401
