import time
import uuid
from decimal import Decimal

import pytest
import stripe
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from fabricloop.payments.models import Payment, WebhookEvent
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_transaction, make_user
from tests.payments.helpers import SECRET, WEBHOOK, deliver, event, intent


@pytest.fixture
async def material(session: AsyncSession) -> Material:
    seller = await make_user(session)
    return await make_material(session, seller, price=Decimal("12.35"))


@pytest.fixture
async def pending(session: AsyncSession, material: Material, buyer: User) -> Transaction:
    return await make_transaction(session, material, buyer, quantity=Decimal("3"))


async def payment_rows(session: AsyncSession, transaction: Transaction) -> list[Payment]:
    result = await session.execute(
        select(Payment)
        .where(Payment.transaction_id == transaction.id)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def requires_action(client: AsyncClient, buyer: User, transaction: Transaction) -> None:
    """A payment waiting for 3-D Secure, through the API."""
    response = await client.post(
        "/api/payments",
        json={
            "transaction_id": str(transaction.id),
            "payment_method": "pm_card_authenticationRequired",
        },
        headers=auth_headers(buyer),
    )
    assert response.status_code == 202


class TestWebhookSignature:
    @pytest.mark.usefixtures("webhook_secret")
    async def test_valid_signature(self, client: AsyncClient) -> None:
        response = await deliver(client, event("customer.created", {"id": "cus_1"}))
        assert response.status_code == 200
        assert response.json() == {"received": True, "duplicate": False}

    @pytest.mark.usefixtures("webhook_secret")
    @pytest.mark.parametrize(
        "header",
        [
            None,
            "",
            "garbage",
            "t=notanumber,v1=abc",
            "t=1700000000",
            f"t={int(time.time())},v1={'0' * 64}",
        ],
    )
    async def test_bad_header(
        self, client: AsyncClient, session: AsyncSession, header: str | None
    ) -> None:
        headers = {} if header is None else {"Stripe-Signature": header}
        response = await client.post(
            WEBHOOK, content=event("customer.created", {"id": "cus_1"}), headers=headers
        )
        assert response.status_code == 400
        assert_error(response.json(), "bad_request")
        assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 0

    @pytest.mark.usefixtures("webhook_secret")
    async def test_wrong_secret(self, client: AsyncClient) -> None:
        payload = event("customer.created", {"id": "cus_1"})
        response = await deliver(client, payload, secret="whsec_other")
        assert response.status_code == 400

    @pytest.mark.usefixtures("webhook_secret")
    async def test_tampered_body(self, client: AsyncClient) -> None:
        payload = event("customer.created", {"id": "cus_1"})
        header = stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET)
        response = await client.post(
            WEBHOOK,
            content=payload.replace(b"cus_1", b"cus_2"),
            headers={"Stripe-Signature": header},
        )
        assert response.status_code == 400

    @pytest.mark.usefixtures("webhook_secret")
    @pytest.mark.parametrize("offset", [-301, 301, -3600, 86400])
    async def test_timestamp_outside_tolerance(self, client: AsyncClient, offset: int) -> None:
        payload = event("customer.created", {"id": "cus_1"})
        response = await deliver(client, payload, timestamp=int(time.time()) + offset)
        assert response.status_code == 400

    @pytest.mark.usefixtures("webhook_secret")
    async def test_within_tolerance(self, client: AsyncClient) -> None:
        payload = event("customer.created", {"id": "cus_1"})
        response = await deliver(client, payload, timestamp=int(time.time()) - 250)
        assert response.status_code == 200

    @pytest.mark.usefixtures("webhook_secret")
    @pytest.mark.parametrize("payload", [b"not json", b"[]", b'{"id": "evt_1"}', b"\xff\xfe"])
    async def test_signed_but_not_an_event(self, client: AsyncClient, payload: bytes) -> None:
        header = stripe.WebhookSignature.generate_signature_header(
            payload.decode("latin-1"), SECRET
        )
        response = await client.post(WEBHOOK, content=payload, headers={"Stripe-Signature": header})
        assert response.status_code == 400

    @pytest.mark.usefixtures("webhook_secret")
    async def test_oversized_body(self, client: AsyncClient) -> None:
        payload = event("customer.created", {"id": "cus_1", "note": "x" * 600_000})
        response = await deliver(client, payload)
        assert response.status_code == 413

    async def test_no_secret_configured(self, client: AsyncClient) -> None:
        response = await deliver(client, event("customer.created", {"id": "cus_1"}))
        assert response.status_code == 400
        assert "STRIPE_WEBHOOK_SECRET" in response.json()["error"]["message"]


class TestWebhookEvents:
    @pytest.mark.usefixtures("webhook_secret")
    async def test_succeeded_completes_a_pending_payment(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
    ) -> None:
        await requires_action(client, buyer, pending)
        (payment,) = await payment_rows(session, pending)
        assert payment.gateway_reference is not None
        payload = event("payment_intent.succeeded", intent(pending, payment.gateway_reference))
        response = await deliver(client, payload)
        assert response.status_code == 200
        (payment,) = await payment_rows(session, pending)
        assert payment.status == "succeeded"
        await session.refresh(pending)
        assert pending.status == "paid"
        assert pending.paid_at is not None
        # The same event again: applied once.
        again = await deliver(client, payload)
        assert again.status_code == 200
        assert again.json()["duplicate"] is True
        await session.refresh(pending)
        assert [h["status"] for h in pending.status_history] == ["pending", "paid"]

    @pytest.mark.usefixtures("webhook_secret")
    async def test_failed_then_late_success_out_of_order(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
    ) -> None:
        await requires_action(client, buyer, pending)
        (payment,) = await payment_rows(session, pending)
        reference = payment.gateway_reference
        assert reference is not None
        succeeded = event("payment_intent.succeeded", intent(pending, reference))
        failed = event(
            "payment_intent.payment_failed",
            intent(
                pending,
                reference,
                status="requires_payment_method",
                last_payment_error={"decline_code": "insufficient_funds", "message": "No funds."},
            ),
        )
        assert (await deliver(client, succeeded)).status_code == 200
        assert (await deliver(client, failed)).status_code == 200
        (payment,) = await payment_rows(session, pending)
        assert payment.status == "succeeded"
        await session.refresh(pending)
        assert pending.status == "paid"

    @pytest.mark.usefixtures("webhook_secret")
    async def test_failure_recorded(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
    ) -> None:
        await requires_action(client, buyer, pending)
        (payment,) = await payment_rows(session, pending)
        assert payment.gateway_reference is not None
        failed = event(
            "payment_intent.payment_failed",
            intent(
                pending,
                payment.gateway_reference,
                status="requires_payment_method",
                last_payment_error={
                    "code": "card_declined",
                    "decline_code": "authentication_required",
                    "message": "Authentication failed.",
                },
            ),
        )
        assert (await deliver(client, failed)).status_code == 200
        (payment,) = await payment_rows(session, pending)
        assert (payment.status, payment.decline_code) == ("failed", "authentication_required")
        await session.refresh(pending)
        assert pending.status == "pending"

    @pytest.mark.usefixtures("webhook_secret")
    async def test_success_without_a_payment_row(
        self, client: AsyncClient, session: AsyncSession, pending: Transaction
    ) -> None:
        # The charge went through but our request died before recording it.
        payload = event("payment_intent.succeeded", intent(pending, "pi_3QLost0eZvKYlo2C"))
        assert (await deliver(client, payload)).status_code == 200
        (payment,) = await payment_rows(session, pending)
        assert (payment.status, payment.gateway, payment.gateway_reference) == (
            "succeeded",
            "stripe",
            "pi_3QLost0eZvKYlo2C",
        )
        assert payment.payer_id == pending.buyer_id
        await session.refresh(pending)
        assert pending.status == "paid"

    @pytest.mark.usefixtures("webhook_secret")
    async def test_amount_mismatch_does_not_pay(
        self, client: AsyncClient, session: AsyncSession, pending: Transaction
    ) -> None:
        payload = event("payment_intent.succeeded", intent(pending, "pi_short", amount=100))
        assert (await deliver(client, payload)).status_code == 200
        (payment,) = await payment_rows(session, pending)
        assert (payment.status, payment.decline_code) == ("failed", "amount_mismatch")
        await session.refresh(pending)
        assert pending.status == "pending"

    @pytest.mark.usefixtures("webhook_secret")
    async def test_never_moves_backwards(
        self,
        client: AsyncClient,
        session: AsyncSession,
        material: Material,
        buyer: User,
    ) -> None:
        shipped = await make_transaction(
            session, material, buyer, quantity=Decimal("3"), status="shipped"
        )
        payload = event("payment_intent.succeeded", intent(shipped, "pi_late"))
        assert (await deliver(client, payload)).status_code == 200
        await session.refresh(shipped)
        assert shipped.status == "shipped"
        cancelled = await make_transaction(
            session, material, buyer, quantity=Decimal("3"), status="cancelled"
        )
        payload = event("payment_intent.succeeded", intent(cancelled, "pi_after_cancel"))
        assert (await deliver(client, payload)).status_code == 200
        await session.refresh(cancelled)
        assert cancelled.status == "cancelled"

    @pytest.mark.usefixtures("webhook_secret")
    @pytest.mark.parametrize("metadata", [{}, {"transaction_id": "nope"}, None])
    async def test_unknown_transaction_is_acknowledged(
        self,
        client: AsyncClient,
        session: AsyncSession,
        pending: Transaction,
        metadata: dict[str, str] | None,
    ) -> None:
        obj = intent(pending, "pi_unknown", metadata=metadata)
        assert (await deliver(client, event("payment_intent.succeeded", obj))).status_code == 200
        stray = intent(pending, "pi_stray", metadata={"transaction_id": str(uuid.uuid4())})
        assert (await deliver(client, event("payment_intent.succeeded", stray))).status_code == 200
        assert await payment_rows(session, pending) == []
        assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 2

    @pytest.mark.usefixtures("webhook_secret")
    async def test_forged_event_changes_nothing(
        self, client: AsyncClient, session: AsyncSession, pending: Transaction
    ) -> None:
        # Only a correctly signed event changes anything: the same event unsigned is refused.
        payload = event("payment_intent.succeeded", intent(pending, "pi_forged"))
        response = await client.post(
            WEBHOOK, content=payload, headers={"Stripe-Signature": "t=1,v1=deadbeef"}
        )
        assert response.status_code == 400
        await session.refresh(pending)
        assert pending.status == "pending"
