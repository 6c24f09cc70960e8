"""The disputes console: an operator reads the open disputes with their order and thread,
and decides them. A decision moves money only through the refunds and payouts services, so
the ledger records it like any refund or payout; both parties are told."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.arbitration.errors import CardDispute
from fabricloop.arbitration.schemas import ResolveBody
from fabricloop.audit import service as audit
from fabricloop.auth.models import User
from fabricloop.core.cache import Cache
from fabricloop.core.pagination import Page
from fabricloop.disputes import service as disputes
from fabricloop.disputes.service import DisputeView
from fabricloop.notifications.service import notify
from fabricloop.payments.gateway import PaymentGateway
from fabricloop.payouts import service as payouts
from fabricloop.refunds import service as refunds
from fabricloop.transactions import service as transactions
from fabricloop.transactions.errors import TransactionNotFound
from fabricloop.transactions.service import TransactionView

ZERO = Decimal(0)
OUTCOME_WORDS = {
    "refund_full": "refunded in full",
    "refund_partial": "partly refunded",
    "release": "closed without a refund; the seller is paid",
}


@dataclass(frozen=True)
class Case:
    dispute: DisputeView
    order: TransactionView


async def cases(session: AsyncSession, status: str | None, page: Page) -> tuple[list[Case], int]:
    views, total = await disputes.list_by_status(session, status, page)
    found = [
        Case(view, await transactions.get_for_operator(session, view.dispute.transaction_id))
        for view in views
    ]
    return found, total


async def case(session: AsyncSession, operator: User, dispute_id: uuid.UUID) -> Case:
    view = await disputes.get_dispute(session, operator, dispute_id)
    order = await transactions.get_for_operator(session, view.dispute.transaction_id)
    return Case(view, order)


async def resolve(
    session: AsyncSession,
    cache: Cache,
    gateway: PaymentGateway,
    operator: User,
    dispute_id: uuid.UUID,
    data: ResolveBody,
) -> Case:
    """Decide an open dispute once: refund all or part of what is left (refunds service),
    then complete a shipped order and release what is left of the seller's payout (payouts
    service; it stays held while the seller has no payout account, or a card dispute is
    open). The order is locked before the dispute, as every writer of both does."""
    transaction_id = (await disputes.find(session, dispute_id)).transaction_id
    transaction = await transactions.lock_by_id(session, transaction_id)
    if transaction is None:  # an order is never deleted while it has a dispute
        raise TransactionNotFound()
    dispute = await disputes.lock_open(session, dispute_id)
    if dispute.source == "card":
        raise CardDispute()
    refunded = ZERO
    reason = f"Dispute {dispute.id} resolved by the marketplace: {data.outcome}."
    if data.outcome in ("refund_full", "refund_partial") and (
        data.amount is not None or refunds.remaining(transaction) > ZERO
    ):
        refund = await refunds.refund_locked(
            session, cache, gateway, transaction, data.amount, reason, operator.id
        )
        refunded = refund.amount
    await disputes.resolve(session, dispute, data.outcome, refunded)
    if transaction.status == "shipped":
        await transactions.complete(session, transaction)
    await payouts.release(session, gateway, transaction)
    await audit.record(
        session,
        operator,
        "dispute.resolve",
        "dispute",
        dispute.id,
        details={
            "outcome": data.outcome,
            "refunded": refunded,
            "currency": transaction.currency,
            "transaction_id": transaction.id,
        },
    )
    words = OUTCOME_WORDS[data.outcome]
    amount = f" ({refunded} {transaction.currency} refunded)" if refunded > ZERO else ""
    for user_id in (transaction.buyer_id, transaction.seller_id):
        await notify(
            session,
            user_id,
            "dispute_resolved",
            "Dispute resolved",
            f"The dispute about order {transaction.id} was {words}{amount}.",
            f"/transactions/{transaction.id}",
        )
    return await case(session, operator, dispute.id)
