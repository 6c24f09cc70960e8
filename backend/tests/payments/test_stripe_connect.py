"""Connect, refunds and PaymentIntent reads through the official SDK, its HTTP layer answered
by recorded Stripe responses: what is sent, and what is understood of the answer."""

import uuid
from decimal import Decimal

import pytest

from fabricloop.payments.gateway import (
    GatewayUnavailable,
    RefundRefused,
    RefundRequest,
    TransferRequest,
    TransferReversalRequest,
)
from fabricloop.payments.stripe_gateway import StripeGateway
from tests.payments.recorded_stripe import Recorded, RecordedStripe

TRANSACTION_ID = uuid.UUID("6f1c2d3e-0000-4000-8000-000000000001")
USER_ID = uuid.UUID("1b2c3d4e-0000-4000-8000-000000000002")
INTENT = "pi_3QxR2bLkdIwHu7ix0GhT8mYc"
ACCOUNT = "acct_1QxRzYQ4hVn2Lk7B"
TRANSFER = "tr_1QxS0aLkdIwHu7ixW3nC8pLq"


def gateway(*answers: Recorded) -> tuple[StripeGateway, RecordedStripe]:
    http = RecordedStripe(*answers)
    return StripeGateway("sk_test_51Recorded", http_client=http), http


class TestRefund:
    async def test_partial_refund(self) -> None:
        stripe_gateway, http = gateway(Recorded("refund_succeeded.json"))
        result = await stripe_gateway.refund(
            RefundRequest(TRANSACTION_ID, INTENT, Decimal("12.50"), "EUR", "fabricloop-refund-1")
        )
        assert result.reference == "re_3QxR2bLkdIwHu7ix0Tq4Vb2N"
        assert (result.status, result.amount, result.currency) == (
            "succeeded",
            Decimal("12.50"),
            "EUR",
        )
        (sent,) = http.sent
        assert (sent.method, sent.path) == ("POST", "/v1/refunds")
        assert sent.form["payment_intent"] == INTENT
        assert sent.form["amount"] == "1250"
        assert sent.form["metadata[transaction_id]"] == str(TRANSACTION_ID)
        assert sent.headers["Idempotency-Key"] == "fabricloop-refund-1"

    async def test_already_refunded_is_refused(self) -> None:
        stripe_gateway, _ = gateway(Recorded("refund_already_refunded.json", status=400))
        with pytest.raises(RefundRefused, match="already been refunded"):
            await stripe_gateway.refund(
                RefundRequest(TRANSACTION_ID, INTENT, Decimal("1.00"), "EUR", "k")
            )

    async def test_stripe_down(self) -> None:
        answers = [Recorded("api_error.json", status=500)] * 3
        stripe_gateway, http = gateway(*answers)
        with pytest.raises(GatewayUnavailable):
            await stripe_gateway.refund(
                RefundRequest(TRANSACTION_ID, INTENT, Decimal("1.00"), "EUR", "k")
            )
        # Retried with the same key: safe, the refund is idempotent.
        assert {s.headers["Idempotency-Key"] for s in http.sent} == {"k"}


class TestTransfers:
    async def test_transfer_to_the_connected_account(self) -> None:
        stripe_gateway, http = gateway(Recorded("transfer_created.json"))
        reference = await stripe_gateway.transfer(
            TransferRequest(TRANSACTION_ID, ACCOUNT, Decimal("35.20"), "EUR", "fabricloop-tr-1")
        )
        assert reference == TRANSFER
        (sent,) = http.sent
        assert (sent.method, sent.path) == ("POST", "/v1/transfers")
        assert sent.form == {
            "amount": "3520",
            "currency": "eur",
            "destination": ACCOUNT,
            "transfer_group": f"order_{TRANSACTION_ID}",
            "metadata[transaction_id]": str(TRANSACTION_ID),
        }
        assert sent.headers["Idempotency-Key"] == "fabricloop-tr-1"

    async def test_reversal(self) -> None:
        stripe_gateway, http = gateway(Recorded("transfer_reversal_created.json"))
        reference = await stripe_gateway.reverse_transfer(
            TransferReversalRequest(TRANSFER, Decimal("11.88"), "EUR", "fabricloop-trr-1")
        )
        assert reference == "trr_1QxS4kLkdIwHu7ixh2LmZ0Vc"
        (sent,) = http.sent
        assert (sent.method, sent.path) == ("POST", f"/v1/transfers/{TRANSFER}/reversals")
        assert sent.form == {"amount": "1188"}
        assert sent.headers["Idempotency-Key"] == "fabricloop-trr-1"


class TestAccounts:
    async def test_create_express_account(self) -> None:
        stripe_gateway, http = gateway(Recorded("account_created.json"))
        reference = await stripe_gateway.create_account(
            USER_ID, "seller@example.com", "fabricloop-account-1"
        )
        assert reference == ACCOUNT
        (sent,) = http.sent
        assert (sent.method, sent.path) == ("POST", "/v1/accounts")
        assert sent.form["type"] == "express"
        assert sent.form["capabilities[transfers][requested]"] == "true"
        assert sent.form["metadata[user_id]"] == str(USER_ID)
        assert sent.headers["Idempotency-Key"] == "fabricloop-account-1"

    async def test_account_link(self) -> None:
        stripe_gateway, http = gateway(Recorded("account_link.json"))
        url = await stripe_gateway.account_link(
            ACCOUNT, "https://app.example/payouts?refresh=1", "https://app.example/payouts"
        )
        assert url.startswith("https://connect.stripe.com/setup/e/acct_1QxRzYQ4hVn2Lk7B/")
        (sent,) = http.sent
        assert (sent.method, sent.path) == ("POST", "/v1/account_links")
        assert sent.form == {
            "account": ACCOUNT,
            "refresh_url": "https://app.example/payouts?refresh=1",
            "return_url": "https://app.example/payouts",
            "type": "account_onboarding",
        }

    @pytest.mark.parametrize(
        ("fixture", "enabled", "reason"),
        [
            ("account_created.json", False, "requirements.past_due"),
            ("account_enabled.json", True, None),
        ],
    )
    async def test_retrieve(self, fixture: str, enabled: bool, reason: str | None) -> None:
        stripe_gateway, http = gateway(Recorded(fixture))
        state = await stripe_gateway.retrieve_account(ACCOUNT)
        assert (state.reference, state.payouts_enabled) == (ACCOUNT, enabled)
        assert state.details_submitted is enabled
        assert state.disabled_reason == reason
        assert (http.sent[0].method, http.sent[0].path) == ("GET", f"/v1/accounts/{ACCOUNT}")


class TestIntents:
    async def test_retrieve(self) -> None:
        stripe_gateway, http = gateway(Recorded("payment_intent_succeeded.json"))
        result = await stripe_gateway.retrieve_intent(INTENT)
        assert (result.status, result.amount) == ("succeeded", Decimal("37.05"))
        assert (http.sent[0].method, http.sent[0].path) == ("GET", f"/v1/payment_intents/{INTENT}")

    async def test_cancel(self) -> None:
        stripe_gateway, http = gateway(Recorded("payment_intent_canceled.json"))
        result = await stripe_gateway.cancel_intent("pi_3QxR6dLkdIwHu7ix2Fv8sWnB")
        assert (result.status, result.decline_code) == ("failed", "payment_intent_canceled")
        assert http.sent[0].path == "/v1/payment_intents/pi_3QxR6dLkdIwHu7ix2Fv8sWnB/cancel"

    async def test_cancel_after_it_succeeded_reads_the_success(self) -> None:
        stripe_gateway, http = gateway(
            Recorded("payment_intent_unexpected_state.json", status=400),
            Recorded("payment_intent_succeeded.json"),
        )
        result = await stripe_gateway.cancel_intent(INTENT)
        assert result.status == "succeeded"
        assert [s.path for s in http.sent] == [
            f"/v1/payment_intents/{INTENT}/cancel",
            f"/v1/payment_intents/{INTENT}",
        ]
