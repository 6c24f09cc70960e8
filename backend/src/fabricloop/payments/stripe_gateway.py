"""Stripe PaymentIntents, created and confirmed server-side in one call."""

from typing import Any

import stripe

from fabricloop.payments.gateway import (
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    GatewayUnavailable,
    InvalidPaymentMethod,
    from_minor_units,
    to_minor_units,
)

REQUEST_TIMEOUT_SECONDS = 20.0
MAX_NETWORK_RETRIES = 2  # safe: every charge carries an idempotency key
STATUSES: dict[str, ChargeStatus] = {
    "succeeded": "succeeded",
    "requires_action": "requires_action",
    "processing": "processing",
    "requires_capture": "processing",
}


def _field(source: Any, name: str) -> Any:
    if source is None:
        return None
    if isinstance(source, dict):
        return source.get(name)
    return getattr(source, name, None)


def _result(intent: Any) -> ChargeResult:
    currency = str(intent.currency).upper()
    status = STATUSES.get(intent.status, "failed")
    received = _field(intent, "amount_received") if status == "succeeded" else None
    amount = from_minor_units(received or intent.amount, currency)
    error = _field(intent, "last_payment_error")
    return ChargeResult(
        status=status,
        reference=intent.id,
        amount=amount,
        currency=currency,
        decline_code=None
        if status != "failed"
        else (_field(error, "decline_code") or _field(error, "code") or "generic_decline"),
        message=_field(error, "message"),
        client_secret=_field(intent, "client_secret") if status == "requires_action" else None,
    )


class StripeGateway:
    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        *,
        api_base: str | None = None,
        http_client: stripe.HTTPClient | None = None,
    ) -> None:
        self._http = http_client or stripe.HTTPXClient(timeout=REQUEST_TIMEOUT_SECONDS)
        self.client = stripe.StripeClient(
            secret_key,
            http_client=self._http,
            max_network_retries=MAX_NETWORK_RETRIES,
            base_addresses={"api": api_base} if api_base else None,
        )

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        params: dict[str, Any] = {
            "amount": to_minor_units(request.amount, request.currency),
            "currency": request.currency.lower(),
            "payment_method": request.payment_method,
            "confirm": True,
            # Server-side confirmation: no redirect-based methods, so no return_url needed.
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
            "description": request.description,
            "metadata": {"transaction_id": str(request.transaction_id)},
        }
        try:
            intent = await self.client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.CardError as error:
            return _declined(error)
        except stripe.InvalidRequestError as error:
            if error.param == "payment_method" or error.code == "resource_missing":
                raise InvalidPaymentMethod(error.user_message or str(error)) from error
            raise GatewayUnavailable(f"Stripe refused the request: {error}") from error
        except stripe.StripeError as error:
            raise GatewayUnavailable(f"Stripe error: {type(error).__name__}") from error
        return _result(intent)

    async def check(self) -> None:
        try:
            await self.client.v1.balance.retrieve_async(options={"max_network_retries": 0})
        except stripe.StripeError as error:
            raise GatewayUnavailable(f"Stripe error: {type(error).__name__}") from error

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]


def _declined(error: stripe.CardError) -> ChargeResult:
    """A card error still names the PaymentIntent it failed (the attempt is recorded)."""
    body = error.json_body if isinstance(error.json_body, dict) else {}
    detail = body.get("error", {})
    intent = detail.get("payment_intent") or {}
    currency = intent.get("currency")
    amount = intent.get("amount")
    return ChargeResult(
        status="failed",
        reference=intent.get("id"),
        amount=from_minor_units(amount, currency) if amount is not None and currency else None,
        currency=currency.upper() if currency else None,
        decline_code=detail.get("decline_code") or error.code or "generic_decline",
        message=error.user_message or "Your card was declined.",
    )
