"""Stripe PaymentIntents, created and confirmed server-side in one call, and Connect with
separate charges and transfers: Express accounts, account links, transfers, reversals and
refunds. Every call that moves money carries an idempotency key."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import stripe

from fabricloop.payments.gateway import (
    AccountState,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    GatewayUnavailable,
    InvalidPaymentMethod,
    RefundRefused,
    RefundRequest,
    RefundResult,
    TransferRequest,
    TransferReversalRequest,
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
REFUND_STATUSES = {"succeeded": "succeeded", "pending": "pending", "requires_action": "pending"}
T = TypeVar("T")


async def _call(request: Callable[[], Awaitable[T]]) -> T:
    """A Stripe call; any error of Stripe's is the gateway being unavailable to us."""
    try:
        return await request()
    except stripe.StripeError as error:
        raise GatewayUnavailable(f"Stripe error: {type(error).__name__}: {error}") from error


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
    if intent.status == "canceled":
        error = {"code": "payment_intent_canceled", "message": "The payment was cancelled."}
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

    async def retrieve_intent(self, reference: str) -> ChargeResult:
        intent = await _call(lambda: self.client.v1.payment_intents.retrieve_async(reference))
        return _result(intent)

    async def cancel_intent(self, reference: str) -> ChargeResult:
        try:
            intent = await self.client.v1.payment_intents.cancel_async(reference)
        except stripe.InvalidRequestError as error:
            # payment_intent_unexpected_state: it succeeded (or was cancelled) meanwhile.
            if error.code != "payment_intent_unexpected_state":
                raise GatewayUnavailable(f"Stripe refused the request: {error}") from error
            return await self.retrieve_intent(reference)
        except stripe.StripeError as error:
            raise GatewayUnavailable(f"Stripe error: {type(error).__name__}") from error
        return _result(intent)

    async def refund(self, request: RefundRequest) -> RefundResult:
        params: dict[str, Any] = {
            "payment_intent": request.payment_reference,
            "amount": to_minor_units(request.amount, request.currency),
            "metadata": {"transaction_id": str(request.transaction_id)},
        }
        try:
            refund = await self.client.v1.refunds.create_async(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.InvalidRequestError as error:
            if error.code in ("charge_already_refunded", "charge_disputed", "amount_too_large"):
                raise RefundRefused(error.user_message or str(error)) from error
            raise GatewayUnavailable(f"Stripe refused the refund: {error}") from error
        except stripe.StripeError as error:
            raise GatewayUnavailable(f"Stripe error: {type(error).__name__}") from error
        currency = str(refund.currency).upper()
        status = REFUND_STATUSES.get(str(refund.status), "failed")
        return RefundResult(
            refund.id,
            status,  # type: ignore[arg-type]
            from_minor_units(refund.amount, currency),
            currency,
        )

    async def transfer(self, request: TransferRequest) -> str:
        params: dict[str, Any] = {
            "amount": to_minor_units(request.amount, request.currency),
            "currency": request.currency.lower(),
            "destination": request.account_reference,
            "transfer_group": f"order_{request.transaction_id}",
            "metadata": {"transaction_id": str(request.transaction_id)},
        }
        transfer = await _call(
            lambda: self.client.v1.transfers.create_async(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        )
        return str(transfer.id)

    async def reverse_transfer(self, request: TransferReversalRequest) -> str:
        params: dict[str, Any] = {"amount": to_minor_units(request.amount, request.currency)}
        reversal = await _call(
            lambda: self.client.v1.transfers.reversals.create_async(
                request.transfer_reference,
                params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        )
        return str(reversal.id)

    async def create_account(self, user_id: uuid.UUID, email: str, idempotency_key: str) -> str:
        params: dict[str, Any] = {
            "type": "express",
            "email": email,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"user_id": str(user_id)},
        }
        account = await _call(
            lambda: self.client.v1.accounts.create_async(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )
        return str(account.id)

    async def account_link(self, reference: str, refresh_url: str, return_url: str) -> str:
        params: dict[str, Any] = {
            "account": reference,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        }
        link = await _call(
            lambda: self.client.v1.account_links.create_async(params)  # type: ignore[arg-type]
        )
        return str(link.url)

    async def retrieve_account(self, reference: str) -> AccountState:
        account = await _call(lambda: self.client.v1.accounts.retrieve_async(reference))
        return account_state(account)

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


def account_state(account: Any) -> AccountState:
    """A connected account as Stripe's object (or an `account.updated` event's) has it."""
    requirements = _field(account, "requirements")
    return AccountState(
        reference=str(_field(account, "id")),
        payouts_enabled=bool(_field(account, "payouts_enabled")),
        details_submitted=bool(_field(account, "details_submitted")),
        disabled_reason=_field(requirements, "disabled_reason"),
    )
