"""StripeGateway through the official SDK, its HTTP layer answered by recorded responses."""

import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.config import Settings
from fabricloop.payments.gateway import (
    ChargeRequest,
    GatewayUnavailable,
    InvalidPaymentMethod,
    UnchargeableAmount,
    create_gateway,
    from_minor_units,
    to_minor_units,
)
from fabricloop.payments.models import Payment
from fabricloop.payments.sandbox import SandboxGateway
from fabricloop.payments.stripe_gateway import StripeGateway
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_transaction, make_user
from tests.payments.helpers import gateway_swapped
from tests.payments.recorded_stripe import Recorded, RecordedStripe

TRANSACTION_ID = uuid.UUID("6f1c2d3e-0000-4000-8000-000000000001")
SUCCEEDED = Recorded("payment_intent_succeeded.json")
DECLINED = Recorded("card_declined_insufficient_funds.json", status=402)
REQUIRES_ACTION = Recorded("payment_intent_requires_action.json")


def charge(method: str = "pm_card_visa", attempt: int = 1) -> ChargeRequest:
    return ChargeRequest(
        transaction_id=TRANSACTION_ID,
        amount=Decimal("37.05"),
        currency="EUR",
        payment_method=method,
        idempotency_key=f"fabricloop-{TRANSACTION_ID}-{attempt}",
        description=f"FabricLoop order {TRANSACTION_ID}",
    )


def gateway(*answers: Recorded) -> tuple[StripeGateway, RecordedStripe]:
    http = RecordedStripe(*answers)
    return StripeGateway("sk_test_51Recorded", http_client=http), http


class TestCharge:
    async def test_succeeded_request_shape(self) -> None:
        stripe_gateway, http = gateway(SUCCEEDED)
        result = await stripe_gateway.charge(charge())
        assert result.status == "succeeded"
        assert result.reference == "pi_3QxR2bLkdIwHu7ix0GhT8mYc"
        assert (result.amount, result.currency) == (Decimal("37.05"), "EUR")
        (sent,) = http.sent
        assert (sent.method, sent.path) == ("POST", "/v1/payment_intents")
        assert sent.form["amount"] == "3705"
        assert sent.form["currency"] == "eur"
        assert sent.form["confirm"] == "true"
        assert sent.form["payment_method"] == "pm_card_visa"
        assert sent.form["automatic_payment_methods[enabled]"] == "true"
        assert sent.form["automatic_payment_methods[allow_redirects]"] == "never"
        assert sent.form["metadata[transaction_id]"] == str(TRANSACTION_ID)
        headers = {k.lower(): v for k, v in sent.headers.items()}
        assert headers["idempotency-key"] == f"fabricloop-{TRANSACTION_ID}-1"
        assert headers["authorization"] == "Bearer sk_test_51Recorded"

    async def test_idempotent_replay_returns_the_same_intent(self) -> None:
        replayed = Recorded(
            "payment_intent_succeeded.json",
            headers={"idempotent-replayed": "true", "original-request": "req_recorded1"},
        )
        stripe_gateway, http = gateway(SUCCEEDED, replayed)
        first = await stripe_gateway.charge(charge())
        second = await stripe_gateway.charge(charge())
        assert first == second
        keys = [{k.lower(): v for k, v in s.headers.items()}["idempotency-key"] for s in http.sent]
        assert keys[0] == keys[1]

    async def test_card_declined(self) -> None:
        stripe_gateway, _ = gateway(DECLINED)
        result = await stripe_gateway.charge(charge("pm_card_visa_chargeDeclinedInsufficientFunds"))
        assert result.status == "failed"
        assert result.decline_code == "insufficient_funds"
        assert result.message == "Your card has insufficient funds."
        assert result.reference == "pi_3QxR4cLkdIwHu7ix1Dq0aPzV"
        assert (result.amount, result.currency) == (Decimal("37.05"), "EUR")

    async def test_requires_action(self) -> None:
        stripe_gateway, _ = gateway(REQUIRES_ACTION)
        result = await stripe_gateway.charge(charge("pm_card_authenticationRequired"))
        assert result.status == "requires_action"
        assert result.client_secret is not None
        assert result.client_secret.startswith("pi_3QxR6dLkdIwHu7ix2Fv8sWnB_secret_")

    async def test_unknown_payment_method(self) -> None:
        stripe_gateway, _ = gateway(Recorded("payment_method_missing.json", status=400))
        with pytest.raises(InvalidPaymentMethod, match="No such PaymentMethod"):
            await stripe_gateway.charge(charge("pm_card_nonexistent"))

    async def test_stripe_error_is_unavailable(self) -> None:
        failing = Recorded("api_error.json", status=500, headers={"stripe-should-retry": "false"})
        stripe_gateway, _ = gateway(failing)
        with pytest.raises(GatewayUnavailable):
            await stripe_gateway.charge(charge())

    async def test_retries_a_server_error_with_the_same_key(self) -> None:
        stripe_gateway, http = gateway(Recorded("api_error.json", status=500), SUCCEEDED)
        result = await stripe_gateway.charge(charge())
        assert result.status == "succeeded"
        keys = {{k.lower(): v for k, v in s.headers.items()}["idempotency-key"] for s in http.sent}
        assert len(http.sent) == 2
        assert len(keys) == 1

    async def test_check(self) -> None:
        stripe_gateway, http = gateway(Recorded("balance.json"))
        await stripe_gateway.check()
        assert http.sent[0].path == "/v1/balance"
        await stripe_gateway.aclose()


class TestAmounts:
    @pytest.mark.parametrize(
        ("amount", "currency", "minor"),
        [
            ("37.05", "EUR", 3705),
            ("0.01", "usd", 1),
            ("1000", "GBP", 100000),
            ("25000", "VND", 25000),
        ],
    )
    def test_minor_units(self, amount: str, currency: str, minor: int) -> None:
        assert to_minor_units(Decimal(amount), currency) == minor
        assert from_minor_units(minor, currency) == Decimal(amount)

    def test_fraction_of_a_zero_decimal_currency(self) -> None:
        with pytest.raises(UnchargeableAmount):
            to_minor_units(Decimal("25000.50"), "VND")


class TestChoice:
    def test_by_configuration(self, settings: Settings) -> None:
        assert isinstance(create_gateway(settings), SandboxGateway)
        configured = settings.model_copy(update={"stripe_secret_key": "sk_test_x"})
        chosen = create_gateway(configured)
        assert isinstance(chosen, StripeGateway)
        assert chosen.name == "stripe"


@pytest.fixture
def recorded_gateway(app: FastAPI) -> Iterator[RecordedStripe]:
    http = RecordedStripe()
    with gateway_swapped(app, StripeGateway("sk_test_51Recorded", http_client=http)):
        yield http


class TestThroughTheApi:
    async def test_pay_and_decline(
        self, client: AsyncClient, session: AsyncSession, recorded_gateway: RecordedStripe
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller, price=Decimal("12.35"))
        transaction = await make_transaction(session, material, buyer, quantity=Decimal("3"))
        body = {"transaction_id": str(transaction.id), "payment_method": "pm_card_visa"}

        recorded_gateway.answers.append(DECLINED)
        declined = await client.post("/api/payments", json=body, headers=auth_headers(buyer))
        assert declined.status_code == 402
        assert_error(declined.json(), "payment_failed")
        assert declined.json()["error"]["decline_code"] == "insufficient_funds"

        recorded_gateway.answers.append(SUCCEEDED)
        paid = await client.post("/api/payments", json=body, headers=auth_headers(buyer))
        assert paid.status_code == 201
        keys = [
            {k.lower(): v for k, v in s.headers.items()}["idempotency-key"]
            for s in recorded_gateway.sent
        ]
        assert keys == [f"fabricloop-{transaction.id}-1", f"fabricloop-{transaction.id}-2"]
        assert recorded_gateway.sent[1].form["metadata[transaction_id]"] == str(transaction.id)
        rows = (
            await session.execute(
                select(Payment.status, Payment.gateway, Payment.gateway_reference)
                .where(Payment.transaction_id == transaction.id)
                .order_by(Payment.created_at)
            )
        ).all()
        assert [tuple(r) for r in rows] == [
            ("failed", "stripe", "pi_3QxR4cLkdIwHu7ix1Dq0aPzV"),
            ("succeeded", "stripe", "pi_3QxR2bLkdIwHu7ix0GhT8mYc"),
        ]
        stored = await session.get(Transaction, transaction.id, populate_existing=True)
        assert stored is not None
        assert stored.status == "paid"

    async def test_amount_mismatch_is_not_paid(
        self, client: AsyncClient, session: AsyncSession, recorded_gateway: RecordedStripe
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        # The recorded intent charged 37.05 EUR; this order is for 40.00 EUR.
        material = await make_material(session, seller, price=Decimal("10.00"))
        transaction = await make_transaction(session, material, buyer, quantity=Decimal("4"))
        recorded_gateway.answers.append(SUCCEEDED)
        response = await client.post(
            "/api/payments",
            json={"transaction_id": str(transaction.id), "payment_method": "pm_card_visa"},
            headers=auth_headers(buyer),
        )
        assert response.status_code == 402
        assert response.json()["error"]["decline_code"] == "amount_mismatch"
        stored = await session.get(Transaction, transaction.id, populate_existing=True)
        assert stored is not None
        assert stored.status == "pending"

    async def test_gateway_down_is_503_and_not_remembered(
        self, client: AsyncClient, session: AsyncSession, recorded_gateway: RecordedStripe
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller, price=Decimal("12.35"))
        transaction = await make_transaction(session, material, buyer, quantity=Decimal("3"))
        body = {"transaction_id": str(transaction.id), "payment_method": "pm_card_visa"}
        headers = {**auth_headers(buyer), "Idempotency-Key": "retry-me"}
        recorded_gateway.answers.append(
            Recorded("api_error.json", status=500, headers={"stripe-should-retry": "false"})
        )
        down = await client.post("/api/payments", json=body, headers=headers)
        assert down.status_code == 503
        assert_error(down.json(), "service_unavailable")
        recorded_gateway.answers.append(SUCCEEDED)
        again = await client.post("/api/payments", json=body, headers=headers)
        assert again.status_code == 201
        keys = {
            {k.lower(): v for k, v in s.headers.items()}["idempotency-key"]
            for s in recorded_gateway.sent
        }
        # The same attempt: Stripe would have replayed the first charge had it gone through.
        assert keys == {f"fabricloop-{transaction.id}-1"}


async def test_health_reports_the_gateway(client: AsyncClient) -> None:
    response = await client.get("/health")
    gateway_check = response.json()["checks"]["payment_gateway"]
    assert gateway_check["status"] == "ok"
    assert gateway_check["detail"] == "sandbox"
