"""Refunds: money given back to the buyer through the gateway, never more than is left, each
recorded with its ledger entries. The order's row lock serialises them, so of two concurrent
refunds of what is left the second finds nothing left."""

import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit import service as audit
from fabricloop.auth.models import User
from fabricloop.core.cache import Cache
from fabricloop.core.vocabulary import ADMIN_ROLE
from fabricloop.invoices import service as invoices
from fabricloop.ledger import service as ledger
from fabricloop.notifications.service import notify
from fabricloop.payments import gateway as gateways
from fabricloop.payments import service as payments
from fabricloop.payments.errors import GatewayDown
from fabricloop.payouts import service as payouts
from fabricloop.refunds import repository
from fabricloop.refunds.errors import (
    NotRefundable,
    NotTheSeller,
    RefundExceedsRemaining,
    RefundRefused,
)
from fabricloop.refunds.models import Refund
from fabricloop.refunds.schemas import RefundCreate
from fabricloop.transactions import service as transactions
from fabricloop.transactions.errors import TransactionNotFound
from fabricloop.transactions.models import Transaction

log = structlog.get_logger(__name__)

CENT = Decimal("0.01")
ZERO = Decimal(0)


def remaining(transaction: Transaction) -> Decimal:
    return transaction.total - transaction.refunded_amount


async def create_refund(
    session: AsyncSession,
    cache: Cache,
    gateway: gateways.PaymentGateway,
    user: User,
    transaction_id: uuid.UUID,
    data: RefundCreate,
) -> Refund:
    """The seller (or an operator, recorded in the audit log) refunds part or all of what
    is left of a paid order."""
    operator = user.role == ADMIN_ROLE
    transaction = await transactions.lock_by_id(session, transaction_id)
    if transaction is None or (
        not operator and user.id not in (transaction.buyer_id, transaction.seller_id)
    ):
        raise TransactionNotFound()
    if not operator and user.id != transaction.seller_id:
        raise NotTheSeller()
    refund = await refund_locked(
        session, cache, gateway, transaction, data.amount, data.reason, user.id
    )
    if operator:
        await audit.record(
            session,
            user,
            "transaction.refund",
            "transaction",
            transaction.id,
            reason=data.reason,
            details={"amount": refund.amount, "currency": refund.currency},
        )
    return refund


async def refund_locked(
    session: AsyncSession,
    cache: Cache,
    gateway: gateways.PaymentGateway,
    transaction: Transaction,
    amount: Decimal | None,
    reason: str,
    requested_by: uuid.UUID | None,
) -> Refund:
    """Refund `amount` (None: all that is left) of a locked paid order: 409 `not_paid`
    unpaid, 422 `refund_exceeds_remaining` beyond what is left."""
    if transaction.platform_fee is None:
        raise NotRefundable()
    left = remaining(transaction)
    amount = left if amount is None else amount
    if amount > left or amount <= ZERO:
        raise RefundExceedsRemaining(
            f"{left} {transaction.currency} is left to refund on this order.",
            details=[{"field": "amount", "message": f"At most {left}."}],
        )
    return await _refund(session, cache, gateway, transaction, amount, reason, requested_by)


async def refund_remaining(
    session: AsyncSession,
    cache: Cache,
    gateway: gateways.PaymentGateway,
    transaction: Transaction,
    reason: str,
    requested_by: uuid.UUID | None,
) -> Refund | None:
    """Refund all that is left of a locked paid order (the seller cancelling it): it ends
    cancelled with its stock returned."""
    left = remaining(transaction)
    if left > ZERO:
        return await _refund(session, cache, gateway, transaction, left, reason, requested_by)
    # Nothing was ever charged (a free order): cancelling is all there is to do.
    await transactions.apply_refund(session, cache, transaction, ZERO, ZERO, "none")
    return None


async def _refund(
    session: AsyncSession,
    cache: Cache,
    gateway: gateways.PaymentGateway,
    transaction: Transaction,
    amount: Decimal,
    reason: str,
    requested_by: uuid.UUID | None,
) -> Refund:
    payment = await payments.succeeded_payment(session, transaction.id)
    if payment is None or payment.gateway_reference is None:
        raise NotRefundable("The order has no successful payment to refund.")
    # Derived from the order and the refund's place in it: a retry after a lost answer (or a
    # crash before the commit) gets the gateway's first refund back instead of a second one.
    sequence = await repository.count_for(session, transaction.id) + 1
    request = gateways.RefundRequest(
        transaction_id=transaction.id,
        payment_reference=payment.gateway_reference,
        amount=amount,
        currency=transaction.currency,
        idempotency_key=f"fabricloop-refund-{transaction.id}-{sequence}",
    )
    try:
        result = await gateway.refund(request)
    except gateways.RefundRefused as error:
        raise RefundRefused(str(error)) from error
    except gateways.GatewayUnavailable as error:
        log.warning("refund: gateway unavailable", gateway=gateway.name, error=str(error))
        raise GatewayDown("The payment provider is unavailable; nothing was refunded.") from error
    refund = await repository.add(
        session,
        Refund(
            transaction_id=transaction.id,
            amount=amount,
            currency=transaction.currency,
            reason=reason,
            status=result.status,
            gateway_reference=result.reference,
            requested_by=requested_by,
        ),
    )
    await apply(session, cache, gateway, transaction, amount, result.reference)
    await invoices.issue_credit_note(session, transaction, refund.id, amount, reason)
    await _tell(session, transaction, refund)
    return refund


async def _tell(session: AsyncSession, transaction: Transaction, refund: Refund) -> None:
    """The buyer hears of every refund; the seller too when they did not ask for it (an
    operator's, the payment provider's, a lost card dispute)."""
    title = f"Refund of {refund.amount} {refund.currency}"
    body = f"{title} on order {transaction.id}: {refund.reason}"
    link = f"/transactions/{transaction.id}"
    recipients = [transaction.buyer_id]
    if refund.requested_by != transaction.seller_id:
        recipients.append(transaction.seller_id)
    for user_id in recipients:
        await notify(session, user_id, "refund_issued", title, body, link)


def fee_after_refund(transaction: Transaction, amount: Decimal) -> Decimal:
    """The commission shrinks with what the buyer keeps paid, pro rata."""
    kept = remaining(transaction)
    fee = transaction.platform_fee or ZERO
    if kept <= ZERO:
        return ZERO
    return (fee * (kept - amount) / kept).quantize(CENT, rounding=ROUND_HALF_UP)


async def apply(
    session: AsyncSession,
    cache: Cache,
    gateway: gateways.PaymentGateway,
    transaction: Transaction,
    amount: Decimal,
    reference: str | None,
) -> None:
    """Record a refund the gateway made on a locked paid order: its amount, the commission
    it lowers, the ledger entries, and the payout it changes."""
    old_fee = transaction.platform_fee or ZERO
    new_fee = fee_after_refund(transaction, amount)
    old_payout = transactions.seller_payout(transaction) or ZERO
    new_payout = remaining(transaction) - amount - new_fee
    payout = transaction.payout_status
    if payout == "paid":
        # Paid out already: the seller gives back what their share shrank by.
        payout = await payouts.reverse_after_refund(
            session, gateway, transaction, old_payout - new_payout, reference
        )
    elif new_payout == ZERO and payout in ("held", "scheduled"):
        payout = "none"
    await transactions.apply_refund(session, cache, transaction, amount, new_fee, payout)
    await ledger.record(
        session, transaction, ("refund", amount, reference), ("fee", new_fee - old_fee, None)
    )


async def refund_unwanted_charge(
    session: AsyncSession,
    gateway: gateways.PaymentGateway,
    transaction: Transaction,
    payment_reference: str,
    amount: Decimal,
    reason: str,
) -> Refund:
    """Give back a charge the order must not keep (it arrived after the order was cancelled,
    or it is a second successful charge of it): refunded in full, recorded with its charge in
    the ledger, and kept for the buyer to be told (`buyer_notified_at` is null until a
    notification is delivered)."""
    request = gateways.RefundRequest(
        transaction_id=transaction.id,
        payment_reference=payment_reference,
        amount=amount,
        currency=transaction.currency,
        idempotency_key=f"fabricloop-refund-charge-{payment_reference}",
    )
    try:
        result = await gateway.refund(request)
    except (gateways.RefundRefused, gateways.GatewayUnavailable) as error:
        # Raised so the webhook is answered with an error and delivered again later.
        log.error("unwanted charge: refund failed", reference=payment_reference, error=str(error))
        raise GatewayDown("The payment provider could not refund the charge.") from error
    refund = await repository.add(
        session,
        Refund(
            transaction_id=transaction.id,
            amount=amount,
            currency=transaction.currency,
            reason=reason,
            status=result.status,
            gateway_reference=result.reference,
            requested_by=None,
        ),
    )
    await ledger.record(
        session,
        transaction,
        ("charge", amount, payment_reference),
        ("refund", amount, result.reference),
    )
    await notify(
        session,
        transaction.buyer_id,
        "refund_issued",
        f"Refund of {amount} {transaction.currency}",
        f"A payment of {amount} {transaction.currency} for order {transaction.id} arrived "
        f"after it could be used ({reason}); it was refunded in full.",
        f"/transactions/{transaction.id}",
    )
    refund.buyer_notified_at = datetime.now(UTC)
    log.warning(
        "unwanted charge refunded; the buyer was notified",
        transaction_id=str(transaction.id),
        reference=payment_reference,
        refund=result.reference,
    )
    return refund


async def known(session: AsyncSession, reference: str) -> bool:
    return await repository.find_by_reference(session, reference) is not None


async def apply_external(
    session: AsyncSession,
    cache: Cache,
    gateway: gateways.PaymentGateway,
    transaction: Transaction,
    amount: Decimal,
    reference: str,
    reason: str,
) -> Refund | None:
    """A refund made outside this app (the gateway's dashboard, a lost card dispute),
    recorded once by its reference; never more than what is left."""
    if await known(session, reference) or transaction.platform_fee is None:
        return None
    amount = min(amount, remaining(transaction))
    if amount <= ZERO:
        return None
    refund = await repository.add(
        session,
        Refund(
            transaction_id=transaction.id,
            amount=amount,
            currency=transaction.currency,
            reason=reason,
            status="succeeded",
            gateway_reference=reference,
            requested_by=None,
        ),
    )
    await apply(session, cache, gateway, transaction, amount, reference)
    await invoices.issue_credit_note(session, transaction, refund.id, amount, reason)
    await _tell(session, transaction, refund)
    return refund


async def refunds_of(session: AsyncSession, transaction_id: uuid.UUID) -> list[Refund]:
    return await repository.list_for(session, transaction_id)


async def list_refunds(
    session: AsyncSession, user: User, transaction_id: uuid.UUID
) -> list[Refund]:
    """The refunds of an order, oldest first, to its buyer and seller (404 to anyone else)."""
    await transactions.get_transaction(session, user, transaction_id)
    return await repository.list_for(session, transaction_id)
