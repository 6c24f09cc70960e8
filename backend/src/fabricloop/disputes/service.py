"""Disputes: a problem with an order, opened by its buyer or by a card dispute at the
gateway. While one is open, the seller's payout is held."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.pagination import Page
from fabricloop.core.vocabulary import ADMIN_ROLE
from fabricloop.disputes import repository
from fabricloop.disputes.errors import (
    DisputeAlreadyOpen,
    DisputeAlreadyResolved,
    DisputeNotFound,
    DisputeResolved,
    NotDisputable,
    NotTheBuyer,
)
from fabricloop.disputes.models import Dispute, DisputeMessage
from fabricloop.disputes.schemas import DisputeCreate, MessageCreate
from fabricloop.notifications.service import notify
from fabricloop.transactions import service as transactions
from fabricloop.transactions.errors import TransactionNotFound
from fabricloop.transactions.models import Transaction


def _now() -> datetime:
    return datetime.now(UTC)


async def open_dispute(
    session: AsyncSession,
    settings: Settings,
    user: User,
    transaction_id: uuid.UUID,
    data: DisputeCreate,
    now: datetime | None = None,
) -> Dispute:
    """The buyer reports a problem with a shipped (or completed) order within
    DISPUTE_WINDOW_DAYS of shipping; the seller's payout is held until it is resolved."""
    transaction = await transactions.lock_by_id(session, transaction_id)
    if transaction is None or user.id not in (transaction.buyer_id, transaction.seller_id):
        raise TransactionNotFound()
    if user.id != transaction.buyer_id:
        raise NotTheBuyer()
    if transaction.status not in ("shipped", "completed"):
        raise NotDisputable(f"A {transaction.status} order cannot be disputed.")
    shipped = await transactions.shipped_at(session, transaction.id)
    window = timedelta(days=settings.dispute_window_days)
    if shipped is None or (now or _now()) > shipped + window:
        raise NotDisputable(
            f"Disputes are opened within {settings.dispute_window_days} days of shipping."
        )
    if await repository.open_of(session, transaction.id, "buyer") is not None:
        raise DisputeAlreadyOpen()
    if transaction.payout_status == "scheduled":
        transactions.set_payout_status(transaction, "held")
    dispute = await repository.add(
        session,
        Dispute(
            transaction_id=transaction.id,
            source="buyer",
            opened_by=user.id,
            reason=data.reason,
            details=data.details,
            status="open",
        ),
    )
    problem = data.reason.replace("_", " ")
    await _tell_opened(session, transaction, f"{user.company_name} reported a problem: {problem}")
    return dispute


async def _tell_opened(session: AsyncSession, transaction: Transaction, title: str) -> None:
    """The seller hears of a dispute on their order: its payout is held until it is resolved."""
    await notify(
        session,
        transaction.seller_id,
        "dispute_opened",
        title,
        f"Order {transaction.id} is disputed; its payout is held until the dispute is resolved.",
        f"/transactions/{transaction.id}",
    )


@dataclass(frozen=True)
class DisputeView:
    dispute: Dispute
    messages: list[DisputeMessage]
    buyer_id: uuid.UUID
    seller_id: uuid.UUID


async def _visible(session: AsyncSession, user: User, dispute_id: uuid.UUID) -> DisputeView:
    """The dispute to its order's buyer and seller, and to operators; 404 to anyone else."""
    dispute = await repository.get(session, dispute_id)
    if dispute is None:
        raise DisputeNotFound()
    try:
        if user.role == ADMIN_ROLE:
            view = await transactions.get_for_operator(session, dispute.transaction_id)
        else:
            view = await transactions.get_transaction(session, user, dispute.transaction_id)
    except TransactionNotFound as error:
        raise DisputeNotFound() from error
    t = view.transaction
    return DisputeView(dispute, [], t.buyer_id, t.seller_id)


async def get_dispute(session: AsyncSession, user: User, dispute_id: uuid.UUID) -> DisputeView:
    view = await _visible(session, user, dispute_id)
    messages = await repository.messages_of(session, dispute_id)
    return DisputeView(view.dispute, messages, view.buyer_id, view.seller_id)


async def add_message(
    session: AsyncSession, user: User, dispute_id: uuid.UUID, data: MessageCreate
) -> DisputeMessage:
    view = await _visible(session, user, dispute_id)
    if view.dispute.status != "open":
        raise DisputeResolved()
    message = await repository.add_message(
        session,
        DisputeMessage(
            dispute_id=dispute_id, author_id=user.id, content=data.content, created_at=_now()
        ),
    )
    view.dispute.updated_at = _now()
    # The other parties hear of it (an operator's message reaches both buyer and seller).
    for party in {view.buyer_id, view.seller_id} - {user.id}:
        await notify(
            session,
            party,
            "message_received",
            f"New message in the dispute from {user.company_name}",
            data.content[:200],
            f"/transactions/{view.dispute.transaction_id}",
        )
    return message


async def disputes_of(
    session: AsyncSession, user: User, transaction_id: uuid.UUID
) -> list[Dispute]:
    """The disputes of an order, oldest first, to its buyer and seller (404 to anyone else)."""
    await transactions.get_transaction(session, user, transaction_id)
    return await repository.list_for(session, transaction_id)


async def has_open(session: AsyncSession, transaction_id: uuid.UUID) -> bool:
    return await repository.has_open(session, transaction_id)


async def open_card_dispute(
    session: AsyncSession, transaction: Transaction, reference: str, reason: str
) -> Dispute | None:
    """`charge.dispute.created`: the card's holder disputes the charge; the payout is held."""
    if await repository.find_by_reference(session, reference) is not None:
        return None
    dispute = await repository.add(
        session,
        Dispute(
            transaction_id=transaction.id,
            source="card",
            reason="other",
            details=f"Card dispute at the payment provider: {reason}"[:5000],
            status="open",
            reference=reference,
        ),
    )
    await _tell_opened(session, transaction, "The buyer's card issuer disputes a payment")
    return dispute


async def close_card_dispute(
    session: AsyncSession, transaction: Transaction, reference: str, won: bool
) -> Dispute | None:
    """`charge.dispute.closed` on the caller's locked order: resolved, the seller told; the
    caller applies a lost dispute's money."""
    dispute = await repository.find_by_reference(session, reference)
    if dispute is None or dispute.status != "open":
        return None
    dispute.status = "resolved"
    dispute.outcome = "release" if won else "refund_full"
    dispute.resolved_at = datetime.now(UTC)
    await repository.flush(session)
    outcome, effect = (
        ("won", "the payout is released") if won else ("lost", "the payment was returned")
    )
    await notify(
        session,
        transaction.seller_id,
        "dispute_resolved",
        f"Card dispute {outcome}",
        f"The card dispute on order {transaction.id} was {outcome}: {effect}.",
        f"/transactions/{transaction.id}",
    )
    return dispute


async def record_refund(session: AsyncSession, dispute: Dispute, amount: Decimal) -> None:
    dispute.refunded_amount += amount
    await repository.flush(session)


async def list_by_status(
    session: AsyncSession, status: str | None, page: Page
) -> tuple[list[DisputeView], int]:
    """Disputes with their thread and the parties of their order, oldest first."""
    found, total = await repository.list_by_status(session, status, page.offset, page.limit)
    threads = await repository.messages_of_many(session, [d.id for d in found])
    views = []
    for dispute in found:
        order = await transactions.get_for_operator(session, dispute.transaction_id)
        t = order.transaction
        views.append(DisputeView(dispute, threads[dispute.id], t.buyer_id, t.seller_id))
    return views, total


async def lock_open(session: AsyncSession, dispute_id: uuid.UUID) -> Dispute:
    """The dispute, locked (its order locked first by the caller); 409 once resolved."""
    dispute = await repository.lock(session, dispute_id)
    if dispute is None:
        raise DisputeNotFound()
    if dispute.status != "open":
        raise DisputeAlreadyResolved()
    return dispute


async def find(session: AsyncSession, dispute_id: uuid.UUID) -> Dispute:
    dispute = await repository.get(session, dispute_id)
    if dispute is None:
        raise DisputeNotFound()
    return dispute


async def resolve(session: AsyncSession, dispute: Dispute, outcome: str, refunded: Decimal) -> None:
    """Close a locked open dispute with the operator's outcome and what it refunded."""
    now = _now()
    dispute.status = "resolved"
    dispute.outcome = outcome
    dispute.refunded_amount += refunded
    dispute.resolved_at = now
    dispute.updated_at = now
    await repository.flush(session)
