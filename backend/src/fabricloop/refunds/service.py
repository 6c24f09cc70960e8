"""Refunds: money given back to the buyer through the gateway, never more than is left, each
recorded with its ledger entries. The order's row lock serialises them, so of two concurrent
refunds of what is left the second finds nothing left."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.cache import Cache
from fabricloop.ledger import service as ledger
from fabricloop.payments import gateway as gateways
from fabricloop.payments import service as payments
from fabricloop.payments.errors import GatewayDown
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
    """The seller refunds part or all of what is left of a paid order."""
    transaction = await transactions.lock_by_id(session, transaction_id)
    if transaction is None or user.id not in (transaction.buyer_id, transaction.seller_id):
        raise TransactionNotFound()
    if user.id != transaction.seller_id:
        raise NotTheSeller()
    if transaction.platform_fee is None:
        raise NotRefundable()
    left = remaining(transaction)
    amount = left if data.amount is None else data.amount
    if amount > left or amount <= ZERO:
        raise RefundExceedsRemaining(
            f"{left} {transaction.currency} is left to refund on this order.",
            details=[{"field": "amount", "message": f"At most {left}."}],
        )
    return await _refund(session, cache, gateway, transaction, amount, data.reason, user.id)


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
    await apply(session, cache, transaction, amount, result.reference)
    return refund


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
    transaction: Transaction,
    amount: Decimal,
    reference: str | None,
) -> None:
    """Record a refund the gateway made on a locked paid order: its amount, the commission
    it lowers, the ledger entries, and the payout it changes."""
    old_fee = transaction.platform_fee or ZERO
    new_fee = fee_after_refund(transaction, amount)
    payout = transaction.payout_status
    if remaining(transaction) - amount == ZERO and payout in ("held", "scheduled"):
        payout = "none"
    await transactions.apply_refund(session, cache, transaction, amount, new_fee, payout)
    await ledger.record(
        session, transaction, ("refund", amount, reference), ("fee", new_fee - old_fee, None)
    )


async def refunds_of(session: AsyncSession, transaction_id: uuid.UUID) -> list[Refund]:
    return await repository.list_for(session, transaction_id)
