"""An offline gateway that answers Stripe's test payment methods as Stripe's test mode does,
and simulates Connect: accounts, transfers, refunds and reversals, and the 3-D Secure challenge.

Its state lives in the process (like Stripe's, it is not the application's database): what a
restart forgets, the application's own records still hold, and an intent it no longer knows
reads as cancelled."""

import asyncio
import hashlib
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from urllib.parse import quote

from fabricloop.payments.gateway import (
    AccountState,
    ChargeRequest,
    ChargeResult,
    InvalidPaymentMethod,
    RefundRefused,
    RefundRequest,
    RefundResult,
    TransferRequest,
    TransferReversalRequest,
)

SUCCEEDING = frozenset(
    {
        "pm_card_visa",
        "pm_card_visa_debit",
        "pm_card_mastercard",
        "pm_card_mastercard_debit",
        "pm_card_amex",
        "pm_card_discover",
    }
)
# payment method -> (decline_code, the message Stripe gives the customer)
DECLINING = {
    "pm_card_visa_chargeDeclined": ("generic_decline", "Your card was declined."),
    "pm_card_visa_chargeDeclinedInsufficientFunds": (
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "pm_card_chargeDeclinedExpiredCard": ("expired_card", "Your card has expired."),
    "pm_card_visa_chargeDeclinedLostCard": ("lost_card", "Your card was declined."),
    "pm_card_visa_chargeDeclinedStolenCard": ("stolen_card", "Your card was declined."),
    "pm_card_visa_chargeDeclinedFraudulent": ("fraudulent", "Your card was declined."),
}
NEEDING_AUTHENTICATION = frozenset({"pm_card_authenticationRequired"})
KNOWN = SUCCEEDING | DECLINING.keys() | NEEDING_AUTHENTICATION


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:24]


@dataclass
class _Transfer:
    amount: Decimal
    reversed: Decimal


class SandboxGateway:
    name = "sandbox"

    def __init__(
        self, public_base_url: str = "http://127.0.0.1:8000", latency_seconds: float = 0.0
    ) -> None:
        self.public_base_url = public_base_url.rstrip("/")
        # Charges and refunds answer as slowly as a real gateway: the fault suite kills the
        # app in the middle of either.
        self.latency_seconds = latency_seconds
        self._intents: dict[str, ChargeResult] = {}
        self._methods: dict[str, str] = {}
        self._refunded: dict[str, Decimal] = {}
        self._refunds: dict[str, RefundResult] = {}
        self._transfers: dict[str, _Transfer] = {}
        self._reversals: set[str] = set()
        self._accounts: dict[str, AccountState] = {}

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        if self.latency_seconds:
            await asyncio.sleep(self.latency_seconds)
        # Like an idempotent PaymentIntent: the same key names the same intent.
        reference = f"pi_sandbox_{_digest(request.idempotency_key)}"
        if self._methods.get(reference) == request.payment_method:
            return self._intents[reference]
        result = self._outcome(request, reference)
        self._intents[reference] = result
        self._methods[reference] = request.payment_method
        return result

    def _outcome(self, request: ChargeRequest, reference: str) -> ChargeResult:
        method = request.payment_method
        if method not in KNOWN:
            # Stripe answers an unknown PaymentMethod id with resource_missing.
            raise InvalidPaymentMethod(f"No such PaymentMethod: '{method}'")
        if method in SUCCEEDING:
            return ChargeResult("succeeded", reference, request.amount, request.currency)
        if method in NEEDING_AUTHENTICATION:
            return ChargeResult(
                "requires_action",
                reference,
                request.amount,
                request.currency,
                message="The card requires authentication (3-D Secure).",
                client_secret=f"{reference}_secret_sandbox",
            )
        decline_code, message = DECLINING[method]
        return ChargeResult(
            "failed",
            reference,
            request.amount,
            request.currency,
            decline_code=decline_code,
            message=message,
        )

    def challenge_url(self, payment_id: uuid.UUID) -> str:
        """The page of this app that plays the bank's 3-D Secure challenge."""
        return f"{self.public_base_url}/sandbox/3ds/{payment_id}"

    def authenticate(self, reference: str, approve: bool) -> ChargeResult:
        """The buyer's answer to the challenge: the intent succeeds or fails."""
        intent = self._intents.get(reference)
        if intent is None or intent.status != "requires_action":
            return intent or _canceled(reference)
        if approve:
            result = replace(intent, status="succeeded", message=None, client_secret=None)
        else:
            result = replace(
                intent,
                status="failed",
                decline_code="authentication_failed",
                message="The card's authentication failed.",
                client_secret=None,
            )
        self._intents[reference] = result
        return result

    async def retrieve_intent(self, reference: str) -> ChargeResult:
        return self._intents.get(reference) or _canceled(reference)

    async def cancel_intent(self, reference: str) -> ChargeResult:
        intent = self._intents.get(reference)
        if intent is not None and intent.status in ("succeeded", "failed"):
            return intent
        result = _canceled(reference, intent)
        self._intents[reference] = result
        return result

    async def refund(self, request: RefundRequest) -> RefundResult:
        if self.latency_seconds:
            await asyncio.sleep(self.latency_seconds)
        if request.idempotency_key in self._refunds:
            return self._refunds[request.idempotency_key]
        intent = self._intents.get(request.payment_reference)
        if intent is not None and intent.status != "succeeded":
            raise RefundRefused("The PaymentIntent has no successful charge to refund.")
        if intent is not None and intent.amount is not None:
            left = intent.amount - self._refunded.get(request.payment_reference, Decimal(0))
            if request.amount > left:
                raise RefundRefused(
                    f"Refund amount ({request.amount}) is greater than unrefunded amount ({left})."
                )
        self._refunded[request.payment_reference] = (
            self._refunded.get(request.payment_reference, Decimal(0)) + request.amount
        )
        result = RefundResult(
            f"re_sandbox_{_digest(request.idempotency_key)}",
            "succeeded",
            request.amount,
            request.currency,
        )
        self._refunds[request.idempotency_key] = result
        return result

    async def transfer(self, request: TransferRequest) -> str:
        reference = f"tr_sandbox_{_digest(request.idempotency_key)}"
        self._transfers.setdefault(reference, _Transfer(request.amount, Decimal(0)))
        return reference

    async def reverse_transfer(self, request: TransferReversalRequest) -> str:
        reference = f"trr_sandbox_{_digest(request.idempotency_key)}"
        transfer = self._transfers.get(request.transfer_reference)
        if transfer is not None and reference not in self._reversals:
            transfer.reversed += request.amount
        self._reversals.add(reference)
        return reference

    async def create_account(
        self,
        user_id: uuid.UUID,  # noqa: ARG002 - the gateway protocol's; Stripe records them
        email: str,  # noqa: ARG002
        idempotency_key: str,
    ) -> str:
        reference = f"acct_sandbox_{_digest(idempotency_key)}"
        self._accounts.setdefault(reference, AccountState(reference, False, False))
        return reference

    async def account_link(
        self,
        reference: str,
        refresh_url: str,  # noqa: ARG002 - the sandbox's page never expires
        return_url: str,
    ) -> str:
        return (
            f"{self.public_base_url}/sandbox/onboarding?account={quote(reference)}"
            f"&return_url={quote(return_url, safe='')}"
        )

    async def retrieve_account(self, reference: str) -> AccountState:
        return self._accounts.get(reference) or AccountState(reference, False, False)

    def complete_onboarding(self, reference: str) -> AccountState:
        """The sandbox's stand-in for Stripe's hosted onboarding: payouts become enabled."""
        state = AccountState(reference, True, True)
        self._accounts[reference] = state
        return state

    async def check(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


def _canceled(reference: str, intent: ChargeResult | None = None) -> ChargeResult:
    return ChargeResult(
        "failed",
        reference,
        intent.amount if intent else None,
        intent.currency if intent else None,
        decline_code="payment_intent_canceled",
        message="The payment was cancelled.",
    )
