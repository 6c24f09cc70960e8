"""An offline gateway that answers Stripe's test payment methods as Stripe's test mode does."""

import hashlib

from fabricloop.payments.gateway import ChargeRequest, ChargeResult, InvalidPaymentMethod

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


class SandboxGateway:
    name = "sandbox"

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        method = request.payment_method
        if method not in KNOWN:
            # Stripe answers an unknown PaymentMethod id with resource_missing.
            raise InvalidPaymentMethod(f"No such PaymentMethod: '{method}'")
        # Like an idempotent PaymentIntent: the same key names the same intent.
        digest = hashlib.sha256(request.idempotency_key.encode()).hexdigest()[:24]
        reference = f"pi_sandbox_{digest}"
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

    async def check(self) -> None:
        return None

    async def aclose(self) -> None:
        return None
