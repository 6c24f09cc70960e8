"""The money events of the webhook, and the expiry job asking the gateway before it cancels:
a charge the order can't keep is refunded at once and recorded; refunds and disputes made at
Stripe are applied; account.updated enables payouts."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.disputes.models import Dispute
from fabricloop.ledger import service as ledger
from fabricloop.materials.models import Material
from fabricloop.notifications.models import Notification
from fabricloop.payments import service as payments
from fabricloop.payments.gateway import ChargeResult, GatewayUnavailable
from fabricloop.payments.models import Payment
from fabricloop.payments.sandbox import SandboxGateway
from fabricloop.payouts.models import ConnectedAccount
from fabricloop.refunds.models import Refund
from fabricloop.transactions.models import Transaction
from tests.factories import auth_headers, make_material, make_transaction
from tests.payments.helpers import deliver, event, gateway_swapped, intent
from tests.refunds.helpers import assert_ledger_balances, detail, paid_order
from tests.transactions.helpers import buy


@pytest.fixture
async def material(session: AsyncSession, seller: User) -> Material:
    return await make_material(session, seller, price=Decimal("12.35"), quantity=Decimal("50"))


async def refunds_of(session: AsyncSession, transaction_id: uuid.UUID) -> list[Refund]:
    result = await session.execute(
        select(Refund).where(Refund.transaction_id == transaction_id).order_by(Refund.created_at)
    )
    return list(result.scalars())


async def reload(session: AsyncSession, transaction_id: uuid.UUID) -> Transaction:
    transaction = await session.get(Transaction, transaction_id, populate_existing=True)
    assert transaction is not None
    return transaction


class TestChargesTheOrderCannotKeep:
    @pytest.mark.usefixtures("webhook_secret")
    async def test_success_after_cancellation_is_refunded(
        self,
        client: AsyncClient,
        session: AsyncSession,
        material: Material,
        buyer: User,
    ) -> None:
        cancelled = await make_transaction(
            session, material, buyer, quantity=Decimal("3"), status="cancelled"
        )
        payload = event("payment_intent.succeeded", intent(cancelled, "pi_after_cancel"))
        assert (await deliver(client, payload)).status_code == 200
        assert (await reload(session, cancelled.id)).status == "cancelled"
        (refund,) = await refunds_of(session, cancelled.id)
        assert (refund.amount, refund.requested_by) == (Decimal("37.05"), None)
        assert refund.buyer_notified_at is not None
        assert "cancelled" in refund.reason
        told = (
            await session.execute(
                select(Notification.kind, Notification.title).where(
                    Notification.user_id == buyer.id
                )
            )
        ).all()
        assert told == [("refund_issued", "Refund of 37.05 EUR")]
        (payment,) = (
            await session.execute(select(Payment).where(Payment.transaction_id == cancelled.id))
        ).scalars()
        assert payment.status == "refunded"
        kinds = [(e.kind, e.amount) for e in await ledger.entries(session, cancelled.id)]
        assert kinds == [("charge", Decimal("37.05")), ("refund", Decimal("37.05"))]
        await assert_ledger_balances(session, cancelled.id)
        # Delivered again: applied once.
        assert (await deliver(client, payload)).status_code == 200
        assert len(await refunds_of(session, cancelled.id)) == 1

    @pytest.mark.usefixtures("webhook_secret")
    async def test_second_success_of_a_paid_order_is_refunded(
        self,
        client: AsyncClient,
        session: AsyncSession,
        material: Material,
        buyer: User,
    ) -> None:
        transaction_id = await paid_order(client, buyer, material, 3)
        transaction = await reload(session, transaction_id)
        payload = event("payment_intent.succeeded", intent(transaction, "pi_second_charge"))
        assert (await deliver(client, payload)).status_code == 200
        transaction = await reload(session, transaction_id)
        assert (transaction.status, transaction.refunded_amount) == ("paid", Decimal(0))
        (refund,) = await refunds_of(session, transaction_id)
        assert refund.amount == Decimal("37.05")
        await assert_ledger_balances(session, transaction_id)

    @pytest.mark.usefixtures("webhook_secret")
    async def test_refund_failure_answers_503_and_is_delivered_again(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        material: Material,
        buyer: User,
    ) -> None:
        class Down(SandboxGateway):
            async def refund(self, request: Any) -> Any:  # noqa: ARG002
                raise GatewayUnavailable("down")

        cancelled = await make_transaction(session, material, buyer, status="cancelled")
        payload = event("payment_intent.succeeded", intent(cancelled, "pi_retry", amount=12350))
        with gateway_swapped(app, Down()):
            assert (await deliver(client, payload)).status_code == 503
        assert await refunds_of(session, cancelled.id) == []
        assert (await deliver(client, payload)).status_code == 200
        assert len(await refunds_of(session, cancelled.id)) == 1


@pytest.fixture
async def paid_by_card(
    client: AsyncClient,
    session: AsyncSession,
    webhook_secret: str,  # noqa: ARG001
    material: Material,
    buyer: User,
) -> tuple[uuid.UUID, Payment]:
    """An order of 3 (37.05 EUR) paid through the API, and its payment."""
    transaction_id = await paid_order(client, buyer, material, 3)
    (payment,) = (
        await session.execute(select(Payment).where(Payment.transaction_id == transaction_id))
    ).scalars()
    return transaction_id, payment


class TestRefundsAndDisputesFromStripe:
    async def test_charge_refunded_in_the_dashboard(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        paid_by_card: tuple[uuid.UUID, Payment],
    ) -> None:
        transaction_id, payment = paid_by_card
        charge = {
            "id": "ch_dashboard",
            "object": "charge",
            "payment_intent": payment.gateway_reference,
            "amount": 3705,
            "amount_refunded": 1000,
            "currency": "eur",
            "refunds": {
                "object": "list",
                "data": [
                    {
                        "id": "re_dashboard_1",
                        "object": "refund",
                        "amount": 1000,
                        "status": "succeeded",
                    }
                ],
            },
        }
        payload = event("charge.refunded", charge)
        assert (await deliver(client, payload)).status_code == 200
        assert (await detail(client, seller, transaction_id))["refunded_amount"] == 10.0
        again = event("charge.refunded", charge)  # another event naming the same refund
        assert (await deliver(client, again)).status_code == 200
        assert len(await refunds_of(session, transaction_id)) == 1
        await assert_ledger_balances(session, transaction_id)

    async def test_charge_refunded_without_the_list(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        paid_by_card: tuple[uuid.UUID, Payment],
    ) -> None:
        transaction_id, payment = paid_by_card
        charge = {
            "id": "ch_x",
            "payment_intent": payment.gateway_reference,
            "amount_refunded": 3705,
            "currency": "eur",
        }
        assert (await deliver(client, event("charge.refunded", charge))).status_code == 200
        data = await detail(client, seller, transaction_id)
        assert (data["refunded_amount"], data["status"]) == (37.05, "cancelled")
        await assert_ledger_balances(session, transaction_id)

    async def test_card_dispute_holds_then_lost_refunds(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        paid_by_card: tuple[uuid.UUID, Payment],
    ) -> None:
        transaction_id, payment = paid_by_card
        dispute = {
            "id": "dp_1",
            "object": "dispute",
            "payment_intent": payment.gateway_reference,
            "amount": 3705,
            "currency": "eur",
            "reason": "fraudulent",
            "status": "needs_response",
        }
        assert (await deliver(client, event("charge.dispute.created", dispute))).status_code == 200
        (row,) = (await session.execute(select(Dispute))).scalars()
        assert (row.source, row.status, row.transaction_id) == ("card", "open", transaction_id)
        lost = {**dispute, "status": "lost"}
        assert (await deliver(client, event("charge.dispute.closed", lost))).status_code == 200
        await session.refresh(row)
        assert (row.status, row.outcome, row.refunded_amount) == (
            "resolved",
            "refund_full",
            Decimal("37.05"),
        )
        data = await detail(client, seller, transaction_id)
        assert data["refunded_amount"] == 37.05
        await assert_ledger_balances(session, transaction_id)

    async def test_card_dispute_won_releases(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        paid_by_card: tuple[uuid.UUID, Payment],
    ) -> None:
        transaction_id, payment = paid_by_card
        dispute = {
            "id": "dp_2",
            "payment_intent": payment.gateway_reference,
            "amount": 3705,
            "currency": "eur",
            "reason": "product_not_received",
        }
        await deliver(client, event("charge.dispute.created", dispute))
        won = {**dispute, "status": "won"}
        assert (await deliver(client, event("charge.dispute.closed", won))).status_code == 200
        (row,) = (await session.execute(select(Dispute))).scalars()
        assert (row.status, row.outcome) == ("resolved", "release")
        assert (await detail(client, seller, transaction_id))["refunded_amount"] == 0


class TestAccountUpdated:
    @pytest.mark.usefixtures("webhook_secret")
    async def test_enables_payouts(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        started = await client.post("/api/payouts/account", headers=auth_headers(seller))
        assert started.status_code == 201
        account = (await session.execute(select(ConnectedAccount))).scalar_one()
        obj = {
            "id": account.reference,
            "object": "account",
            "payouts_enabled": True,
            "details_submitted": True,
            "requirements": {"disabled_reason": None},
        }
        assert (await deliver(client, event("account.updated", obj))).status_code == 200
        got = await client.get("/api/payouts/account", headers=auth_headers(seller))
        assert got.json() == {"status": "enabled", "payouts_enabled": True}
        restricted = {
            **obj,
            "payouts_enabled": False,
            "requirements": {"disabled_reason": "requirements.past_due"},
        }
        assert (await deliver(client, event("account.updated", restricted))).status_code == 200
        got = await client.get("/api/payouts/account", headers=auth_headers(seller))
        assert got.json() == {"status": "restricted", "payouts_enabled": False}

    @pytest.mark.usefixtures("webhook_secret")
    async def test_unknown_account_is_acknowledged(self, client: AsyncClient) -> None:
        obj = {"id": "acct_unknown", "payouts_enabled": True}
        assert (await deliver(client, event("account.updated", obj))).status_code == 200


class TestIntentEvents:
    @pytest.mark.usefixtures("webhook_secret")
    async def test_canceled_marks_the_attempt_failed(
        self,
        client: AsyncClient,
        session: AsyncSession,
        material: Material,
        buyer: User,
    ) -> None:
        pending = await make_transaction(session, material, buyer, quantity=Decimal("3"))
        obj = intent(pending, "pi_canceled", status="canceled")
        assert (await deliver(client, event("payment_intent.canceled", obj))).status_code == 200
        (payment,) = (
            await session.execute(select(Payment).where(Payment.transaction_id == pending.id))
        ).scalars()
        assert (payment.status, payment.decline_code) == ("failed", "payment_intent_canceled")


class TestExpiryAsksTheGateway:
    async def pending_3ds(
        self, client: AsyncClient, buyer: User, material: Material
    ) -> tuple[uuid.UUID, str]:
        order = await buy(client, auth_headers(buyer), material.id, 2)
        response = await client.post(
            "/api/payments",
            json={
                "transaction_id": order["transaction_id"],
                "payment_method": "pm_card_authenticationRequired",
            },
            headers=auth_headers(buyer),
        )
        assert response.status_code == 202
        return uuid.UUID(order["transaction_id"]), response.json()["payment_id"]

    async def run_expiry(self, app: FastAPI, session: AsyncSession) -> int:
        later = datetime.now(UTC) + timedelta(hours=2)
        return await payments.expire_unpaid(
            session,
            cache=app.state.cache,
            settings=app.state.settings,
            gateway=app.state.payment_gateway,
            now=later,
        )

    async def test_open_intent_is_cancelled_then_the_order(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
    ) -> None:
        transaction_id, payment_id = await self.pending_3ds(client, buyer, material)
        assert await self.run_expiry(app, session) == 1
        assert (await reload(session, transaction_id)).status == "cancelled"
        payment = await session.get(Payment, uuid.UUID(payment_id), populate_existing=True)
        assert payment is not None
        assert (payment.status, payment.decline_code) == ("failed", "payment_intent_canceled")
        reference = payment.gateway_reference
        assert reference is not None
        intent_now = await app.state.payment_gateway.retrieve_intent(reference)
        assert intent_now.decline_code == "payment_intent_canceled"

    async def test_intent_that_succeeded_meanwhile_pays_the_order(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
    ) -> None:
        transaction_id, payment_id = await self.pending_3ds(client, buyer, material)
        payment = await session.get(Payment, uuid.UUID(payment_id))
        assert payment is not None
        assert payment.gateway_reference is not None
        # The buyer passed the challenge; the answer never reached us (the process died).
        app.state.payment_gateway.authenticate(payment.gateway_reference, approve=True)
        assert await self.run_expiry(app, session) == 0
        transaction = await reload(session, transaction_id)
        assert transaction.status == "paid"
        await assert_ledger_balances(session, transaction_id)

    async def test_gateway_down_leaves_the_order_pending(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
    ) -> None:
        transaction_id, _ = await self.pending_3ds(client, buyer, material)

        class Down(SandboxGateway):
            async def cancel_intent(self, reference: str) -> ChargeResult:  # noqa: ARG002
                raise GatewayUnavailable("down")

        later = datetime.now(UTC) + timedelta(hours=2)
        done = await payments.expire_unpaid(
            session, cache=app.state.cache, settings=app.state.settings, gateway=Down(), now=later
        )
        assert done == 0
        assert (await reload(session, transaction_id)).status == "pending"
        assert await self.run_expiry(app, session) == 1

    @pytest.mark.usefixtures("app")
    async def test_buyer_cancelling_cancels_the_intent(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
    ) -> None:
        transaction_id, payment_id = await self.pending_3ds(client, buyer, material)
        response = await client.post(
            f"/api/transactions/{transaction_id}/status",
            json={"status": "cancelled"},
            headers=auth_headers(buyer),
        )
        assert response.status_code == 200
        payment = await session.get(Payment, uuid.UUID(payment_id), populate_existing=True)
        assert payment is not None
        assert payment.status == "failed"
