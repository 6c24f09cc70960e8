from typing import Any

from fabricloop.core.errors import (
    AppError,
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    PaymentFailed,
    ServiceUnavailable,
    Unprocessable,
)


class PaymentNotFound(NotFound):
    message = "The payment does not exist."


class PaymentDeclined(PaymentFailed):
    pass


class AlreadyPaid(Conflict):
    code, message = "already_paid", "The transaction is already paid."


class NotPayable(Conflict):
    code, message = "invalid_transition", "Only a pending transaction can be paid."


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was used with a different request."


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"
    message = "A request with this Idempotency-Key is still being processed; retry later."


class GatewayDown(ServiceUnavailable):
    message = "The payment provider is unavailable; nothing was charged. Try again."


class InvalidSignature(BadRequest):
    message = "The Stripe-Signature header is missing, malformed, stale or does not match."


class WebhookNotConfigured(BadRequest):
    message = "Webhook signatures cannot be verified: STRIPE_WEBHOOK_SECRET is not configured."


class WebhookTooLarge(PayloadTooLarge):
    message = "The webhook body is too large."


class ReplayedFailure(AppError):
    """A failed payment request answered again, exactly as it was the first time, for its
    Idempotency-Key (the router sends `body` with `status`)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__()
        self.status = status
        self.body = body
