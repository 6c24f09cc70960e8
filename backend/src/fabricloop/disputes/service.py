"""Disputes: a problem with an order, opened by its buyer or by a card dispute at the
gateway. While one is open, the seller's payout is held."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.disputes import repository
from fabricloop.disputes.models import Dispute
from fabricloop.transactions.models import Transaction


async def has_open(session: AsyncSession, transaction_id: uuid.UUID) -> bool:
    return await repository.has_open(session, transaction_id)


async def open_card_dispute(
    session: AsyncSession, transaction: Transaction, reference: str, reason: str
) -> Dispute | None:
    """`charge.dispute.created`: the card's holder disputes the charge; the payout is held."""
    if await repository.find_by_reference(session, reference) is not None:
        return None
    return await repository.add(
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


async def close_card_dispute(session: AsyncSession, reference: str, won: bool) -> Dispute | None:
    """`charge.dispute.closed`: resolved; the caller applies a lost dispute's money."""
    dispute = await repository.find_by_reference(session, reference)
    if dispute is None or dispute.status != "open":
        return None
    dispute.status = "resolved"
    dispute.outcome = "release" if won else "refund_full"
    dispute.resolved_at = datetime.now(UTC)
    await repository.flush(session)
    return dispute


async def record_refund(session: AsyncSession, dispute: Dispute, amount: Decimal) -> None:
    dispute.refunded_amount += amount
    await repository.flush(session)
