"""Stripe events: verified on the raw body, applied once each, in any order, never moving a
transaction backwards."""

import json
import time
import uuid
from typing import Any

import stripe
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.config import Settings
from fabricloop.payments import repository
from fabricloop.payments.errors import InvalidSignature, WebhookNotConfigured, WebhookTooLarge
from fabricloop.payments.gateway import from_minor_units
from fabricloop.payments.models import Payment
from fabricloop.payments.service import count_after_commit, settle
from fabricloop.transactions import service as transactions
from fabricloop.transactions.models import Transaction

log = structlog.get_logger(__name__)

TOLERANCE_SECONDS = 300
MAX_BODY_BYTES = 512 * 1024


def verify(payload: bytes, signature: str | None, secret: str | None) -> dict[str, Any]:
    """The event, once the signature matches and its timestamp is within the tolerance
    either way (the SDK only refuses stale ones; a future one is refused here)."""
    if not secret:
        raise WebhookNotConfigured()
    if len(payload) > MAX_BODY_BYTES:
        raise WebhookTooLarge()
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, TOLERANCE_SECONDS)
        timestamp = _timestamp(signature or "")
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise InvalidSignature() from error
    if timestamp > time.time() + TOLERANCE_SECONDS:
        raise InvalidSignature()
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise InvalidSignature("The signed body is not a Stripe event.")
    return event


def _timestamp(header: str) -> int:
    items = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    return int(items["t"])


async def receive(
    session: AsyncSession, settings: Settings, payload: bytes, signature: str | None
) -> bool:
    """Apply a verified event; False when it was a duplicate (already applied)."""
    event = verify(payload, signature, settings.stripe_webhook_secret)
    if not await repository.record_event(session, event["id"][:255], event["type"][:100], event):
        return False
    intent: dict[str, Any] = event["data"]["object"]
    if event["type"] == "payment_intent.succeeded":
        await _succeeded(session, settings, intent)
    elif event["type"] == "payment_intent.payment_failed":
        await _failed(session, intent)
    return True


def _transaction_id(intent: dict[str, Any], payment: Payment | None) -> uuid.UUID | None:
    if payment is not None:
        return payment.transaction_id
    metadata = intent.get("metadata") or {}
    try:
        return uuid.UUID(str(metadata.get("transaction_id")))
    except ValueError:
        return None


async def _locked(
    session: AsyncSession, intent: dict[str, Any]
) -> tuple[Transaction | None, Payment | None]:
    """The transaction (locked first, as payments do) and the payment of this intent."""
    reference = str(intent.get("id", ""))
    payment = await repository.find_by_reference(session, reference)
    transaction_id = _transaction_id(intent, payment)
    if transaction_id is None:
        log.warning("webhook for an unknown payment", reference=reference)
        return None, None
    transaction = await transactions.lock_by_id(session, transaction_id)
    if transaction is None:
        log.warning("webhook for an unknown transaction", reference=reference)
        return None, None
    return transaction, await repository.find_by_reference(session, reference, lock=True)


def _new_payment(transaction: Transaction, intent: dict[str, Any], status: str) -> Payment:
    """A payment the gateway made that has no row yet (its request failed after charging)."""
    method = intent.get("payment_method")
    if isinstance(method, dict):
        method = method.get("id")
    return Payment(
        transaction_id=transaction.id,
        payer_id=transaction.buyer_id,
        amount=transaction.total,
        currency=transaction.currency,
        status=status,
        gateway="stripe",
        gateway_reference=str(intent["id"])[:255],
        payment_method=str(method or "unknown")[:255],
    )


async def _succeeded(session: AsyncSession, settings: Settings, intent: dict[str, Any]) -> None:
    transaction, payment = await _locked(session, intent)
    if transaction is None:
        return
    if payment is not None and payment.status == "succeeded":
        return
    if await repository.has_success(session, transaction.id):
        log.error("a second successful charge: needs a refund", reference=intent.get("id"))
        return
    currency = str(intent.get("currency", "")).upper()
    charged = intent.get("amount_received") or intent.get("amount")
    matches = (
        isinstance(charged, int)
        and currency == transaction.currency
        and from_minor_units(charged, currency) == transaction.total
    )
    if payment is None:
        payment = _new_payment(transaction, intent, "succeeded")
    if not matches:
        log.error("charged amount differs from the order", reference=intent.get("id"))
        payment.status, payment.decline_code = "failed", "amount_mismatch"
        payment.failure_message = "The amount charged did not match the order."
        await repository.save_payment(session, payment)
        return
    payment.status, payment.decline_code, payment.failure_message = "succeeded", None, None
    await repository.save_payment(session, payment)
    count_after_commit(session, "succeeded")
    paid = await settle(session, settings, transaction, payment)
    if not paid and transaction.status == "cancelled":
        log.error("paid after cancellation: needs a refund", reference=intent.get("id"))


async def _failed(session: AsyncSession, intent: dict[str, Any]) -> None:
    transaction, payment = await _locked(session, intent)
    if transaction is None:
        return
    if payment is not None and payment.status in ("succeeded", "failed"):
        return  # a success is final; a failure recorded already
    error = intent.get("last_payment_error") or {}
    if payment is None:
        payment = _new_payment(transaction, intent, "failed")
    payment.status = "failed"
    payment.decline_code = str(error.get("decline_code") or error.get("code") or "generic_decline")[
        :100
    ]
    payment.failure_message = str(error.get("message") or "The payment failed.")[:500]
    await repository.save_payment(session, payment)
    count_after_commit(session, "failed")
