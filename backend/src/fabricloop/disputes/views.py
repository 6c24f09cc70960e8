"""A dispute as its readers see it (its parties, and operators in the disputes console)."""

from fabricloop.disputes.models import DisputeMessage
from fabricloop.disputes.schemas import DisputeDetail, DisputeMessageOut
from fabricloop.disputes.service import DisputeView


def message_out(message: DisputeMessage, view: DisputeView) -> DisputeMessageOut:
    role = (
        "buyer"
        if message.author_id == view.buyer_id
        else "seller"
        if message.author_id == view.seller_id
        else "operator"
    )
    return DisputeMessageOut(
        message_id=message.id,
        author_id=message.author_id,
        author_role=role,
        content=message.content,
        created_at=message.created_at,
    )


def detail_out(view: DisputeView) -> DisputeDetail:
    d = view.dispute
    return DisputeDetail(
        dispute_id=d.id,
        transaction_id=d.transaction_id,
        source=d.source,
        reason=d.reason,
        details=d.details,
        status=d.status,
        outcome=d.outcome,
        refunded_amount=d.refunded_amount,
        messages=[message_out(m, view) for m in view.messages],
        created_at=d.created_at,
        updated_at=d.updated_at,
        resolved_at=d.resolved_at,
    )
