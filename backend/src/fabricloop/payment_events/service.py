"""What the gateway says happened, applied across the domains it touches: Stripe's events
(verified on the raw body, applied once each, in any order, never moving an order backwards)
and the sandbox's 3-D Secure answers. A charge an order can't keep is refunded here, refunds
and disputes made at Stripe are recorded, account changes reach payouts. This package sits
above payments, refunds, payouts and disputes, so none of them imports another to react to
the gateway."""

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import stripe
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.disputes import service as disputes
from fabricloop.payments import service as payments
from fabricloop.payments.errors import (
    InvalidSignature,
    PaymentDeclined,
    PaymentNotFound,
    WebhookNotConfigured,
    WebhookTooLarge,
)
from fabricloop.payments.gateway import PaymentGateway, from_minor_units
from fabricloop.payments.models import Payment
from fabricloop.payments.sandbox import SandboxGateway
from fabricloop.payments.service import count_after_commit, settle
from fabricloop.payments.stripe_gateway import account_state
from fabricloop.payouts import service as payouts
from fabricloop.refunds import service as refunds
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


@dataclass(frozen=True)
class Context:
    session: AsyncSession
    settings: Settings
    cache: Cache
    gateway: PaymentGateway


async def receive(
    session: AsyncSession,
    settings: Settings,
    cache: Cache,
    gateway: PaymentGateway,
    payload: bytes,
    signature: str | None,
) -> bool:
    """Apply a verified event; False when it was a duplicate (already applied)."""
    event = verify(payload, signature, settings.stripe_webhook_secret)
    if not await payments.record_event(session, event["id"][:255], event["type"][:100], event):
        return False
    handler = HANDLERS.get(event["type"])
    if handler is not None:
        await handler(Context(session, settings, cache, gateway), event["data"]["object"])
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
    payment = await payments.find_by_reference(session, reference)
    transaction_id = _transaction_id(intent, payment)
    if transaction_id is None:
        log.warning("webhook for an unknown payment", reference=reference)
        return None, None
    transaction = await transactions.lock_by_id(session, transaction_id)
    if transaction is None:
        log.warning("webhook for an unknown transaction", reference=reference)
        return None, None
    return transaction, await payments.find_by_reference(session, reference, lock=True)


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


async def _succeeded(context: Context, intent: dict[str, Any]) -> None:
    session = context.session
    transaction, payment = await _locked(session, intent)
    if transaction is None:
        return
    if payment is not None and payment.status in ("succeeded", "refunded"):
        return
    if await payments.has_success(session, transaction.id):
        await _give_back(context, transaction, payment, intent, "A second successful charge.")
        return
    if transaction.status == "cancelled":
        await _give_back(context, transaction, payment, intent, "Paid after it was cancelled.")
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
        await payments.save_payment(session, payment)
        return
    payment.status, payment.decline_code, payment.failure_message = "succeeded", None, None
    await payments.save_payment(session, payment)
    count_after_commit(session, "succeeded")
    await settle(session, context.settings, transaction, payment)


async def _give_back(
    context: Context,
    transaction: Transaction,
    payment: Payment | None,
    intent: dict[str, Any],
    why: str,
) -> None:
    """A charge the order must not keep is refunded in full at once and recorded."""
    currency = str(intent.get("currency", transaction.currency)).upper()
    charged = intent.get("amount_received") or intent.get("amount")
    amount = from_minor_units(charged, currency) if isinstance(charged, int) else transaction.total
    if payment is None:
        payment = _new_payment(transaction, intent, "refunded")
    payment.status, payment.decline_code = "refunded", None
    payment.failure_message = f"{why} Refunded automatically."
    await payments.save_payment(context.session, payment)
    await refunds.refund_unwanted_charge(
        context.session,
        context.gateway,
        transaction,
        str(intent["id"]),
        amount,
        f"{why} The charge was refunded automatically.",
    )


async def _failed(context: Context, intent: dict[str, Any]) -> None:
    session = context.session
    transaction, payment = await _locked(session, intent)
    if transaction is None:
        return
    if payment is not None and payment.status in ("succeeded", "failed", "refunded"):
        return  # a success is final; a failure recorded already
    error = intent.get("last_payment_error") or {}
    if intent.get("status") == "canceled":
        error = {"code": "payment_intent_canceled", "message": "The payment was cancelled."}
    if payment is None:
        payment = _new_payment(transaction, intent, "failed")
    payment.status = "failed"
    payment.decline_code = str(error.get("decline_code") or error.get("code") or "generic_decline")[
        :100
    ]
    payment.failure_message = str(error.get("message") or "The payment failed.")[:500]
    await payments.save_payment(session, payment)
    count_after_commit(session, "failed")


async def _requires_action(context: Context, intent: dict[str, Any]) -> None:
    _, payment = await _locked(context.session, intent)
    if payment is not None and payment.status == "processing":
        payment.status = "requires_action"
        await payments.save_payment(context.session, payment)


async def _charge_refunded(context: Context, charge: dict[str, Any]) -> None:
    """Refunds made at the gateway (its dashboard): each recorded once, by its id."""
    transaction, payment = await _locked(context.session, {"id": charge.get("payment_intent")})
    if transaction is None or payment is None or payment.status != "succeeded":
        return  # refunds of charges given back here are recorded already
    currency = str(charge.get("currency", "")).upper()
    listed = (charge.get("refunds") or {}).get("data")
    if isinstance(listed, list):
        found = [
            (str(r["id"]), from_minor_units(int(r["amount"]), currency))
            for r in listed
            if isinstance(r, dict) and r.get("status") in ("succeeded", "pending")
        ]
    else:
        # Newer API versions don't include the refunds: what is refunded beyond our records.
        total = from_minor_units(int(charge.get("amount_refunded") or 0), currency)
        found = [(f"{charge.get('id')}:{total}", total - transaction.refunded_amount)]
    for reference, amount in found:
        await refunds.apply_external(
            context.session,
            context.cache,
            context.gateway,
            transaction,
            amount,
            reference[:255],
            "Refunded at the payment provider.",
        )


async def _dispute(context: Context, dispute: dict[str, Any]) -> tuple[Transaction | None, str]:
    transaction, _ = await _locked(context.session, {"id": dispute.get("payment_intent")})
    return transaction, str(dispute.get("id", ""))[:255]


async def _dispute_created(context: Context, dispute: dict[str, Any]) -> None:
    """A card dispute holds the seller's payout like a dispute opened here."""
    transaction, reference = await _dispute(context, dispute)
    if transaction is None or not reference:
        return
    await disputes.open_card_dispute(
        context.session, transaction, reference, str(dispute.get("reason", "unknown"))
    )


async def _dispute_closed(context: Context, dispute: dict[str, Any]) -> None:
    """Won: the payout is released (once the order is completed). Lost: the money went back
    to the card holder, recorded as a refund."""
    transaction, reference = await _dispute(context, dispute)
    if transaction is None or not reference:
        return
    won = dispute.get("status") == "won"
    closed = await disputes.close_card_dispute(context.session, transaction, reference, won)
    if closed is None:
        return
    if won:
        await payouts.release(context.session, context.gateway, transaction)
        return
    currency = str(dispute.get("currency", transaction.currency)).upper()
    amount = from_minor_units(int(dispute.get("amount") or 0), currency)
    refund = await refunds.apply_external(
        context.session,
        context.cache,
        context.gateway,
        transaction,
        amount,
        reference,
        "A card dispute was lost.",
    )
    if refund is not None:
        await disputes.record_refund(context.session, closed, refund.amount)


async def _account_updated(context: Context, account: dict[str, Any]) -> None:
    await payouts.account_updated(context.session, context.gateway, account_state(account))


Handler = Callable[[Context, dict[str, Any]], Awaitable[None]]
HANDLERS: dict[str, Handler] = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
    "payment_intent.canceled": _failed,
    "payment_intent.requires_action": _requires_action,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
    "charge.dispute.closed": _dispute_closed,
    "account.updated": _account_updated,
}


async def sandbox_authenticate(
    session: AsyncSession,
    settings: Settings,
    gateway: PaymentGateway,
    user: User,
    payment_id: uuid.UUID,
    approve: bool,
) -> Payment:
    """The buyer's answer to the sandbox's 3-D Secure challenge: the payment succeeds (the
    order becomes paid) or fails (it stays pending). Answering again changes nothing."""
    if not isinstance(gateway, SandboxGateway):
        raise PaymentNotFound()
    transaction, payment = await payments.lock_for_authentication(session, user, payment_id)
    if payment.status != "requires_action" or payment.gateway_reference is None:
        return payment
    result = gateway.authenticate(payment.gateway_reference, approve)
    if result.status != "succeeded":
        payment.status = "failed"
        payment.decline_code = result.decline_code or "authentication_failed"
        payment.failure_message = (result.message or PaymentDeclined.message)[:500]
        await payments.save_payment(session, payment)
        count_after_commit(session, "failed")
    elif transaction.status == "pending":
        payment.status, payment.decline_code, payment.failure_message = "succeeded", None, None
        await payments.save_payment(session, payment)
        count_after_commit(session, "succeeded")
        await settle(session, settings, transaction, payment)
    else:
        # A success the order can't keep is given back.
        payment.status = "refunded"
        payment.failure_message = "Paid after the order ended; refunded automatically."
        await payments.save_payment(session, payment)
        await refunds.refund_unwanted_charge(
            session,
            gateway,
            transaction,
            payment.gateway_reference,
            payment.amount,
            "Paid after the order was cancelled. The charge was refunded automatically.",
        )
    return await payments.refresh_payment(session, payment)
