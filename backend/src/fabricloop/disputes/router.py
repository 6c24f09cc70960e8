import uuid

from fastapi import APIRouter, status

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppSettings
from fabricloop.core.errors import Unauthorized, Unprocessable, responses
from fabricloop.disputes import service
from fabricloop.disputes.errors import (
    DisputeAlreadyOpen,
    DisputeNotFound,
    DisputeResolved,
    NotDisputable,
    NotTheBuyer,
)
from fabricloop.disputes.schemas import (
    DisputeCreate,
    DisputeCreated,
    DisputeDetail,
    DisputeList,
    DisputeMessageOut,
    DisputeSummary,
    MessageCreate,
)
from fabricloop.disputes.views import detail_out, message_out
from fabricloop.transactions.errors import TransactionNotFound

router = APIRouter(tags=["disputes"])


@router.post(
    "/api/transactions/{transaction_id}/disputes",
    status_code=status.HTTP_201_CREATED,
    responses=responses(
        Unauthorized,
        NotTheBuyer,
        TransactionNotFound,
        NotDisputable,
        DisputeAlreadyOpen,
        Unprocessable,
    ),
    description="The buyer reports a problem with a shipped or completed order, within "
    "`DISPUTE_WINDOW_DAYS` (14) of shipping: the seller's payout is held until the dispute "
    "is resolved. Not shipped, or outside the window: 409 `not_disputable`; one already open: "
    "409 `dispute_already_open`; the seller: 403; anyone else: 404.",
)
async def open_dispute(
    transaction_id: uuid.UUID,
    data: DisputeCreate,
    user: CurrentUser,
    session: DbSession,
    settings: AppSettings,
) -> DisputeCreated:
    """Report a problem with an order (its buyer)."""
    dispute = await service.open_dispute(session, settings, user, transaction_id, data)
    return DisputeCreated(
        dispute_id=dispute.id,
        status="open",
        transaction_id=dispute.transaction_id,
        created_at=dispute.created_at,
    )


@router.get(
    "/api/transactions/{transaction_id}/disputes",
    responses=responses(Unauthorized, TransactionNotFound),
    description="The order's disputes (by its buyer, or a card dispute), oldest first, to its "
    "buyer and seller; anyone else: 404. Their threads are at `/api/disputes/{dispute_id}`.",
)
async def list_disputes(
    transaction_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> DisputeList:
    """The disputes of an order (its buyer or seller)."""
    disputes = await service.disputes_of(session, user, transaction_id)
    return DisputeList(
        disputes=[
            DisputeSummary(
                dispute_id=d.id,
                source=d.source,
                reason=d.reason,
                status=d.status,
                outcome=d.outcome,
                created_at=d.created_at,
                resolved_at=d.resolved_at,
            )
            for d in disputes
        ]
    )


@router.get(
    "/api/disputes/{dispute_id}",
    responses=responses(Unauthorized, DisputeNotFound),
    description="The dispute, its thread (each message with its author's role: `buyer`, "
    "`seller` or `operator`) and its outcome, to the order's buyer and seller and to "
    "operators; anyone else: 404.",
)
async def get_dispute(
    dispute_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> DisputeDetail:
    """A dispute and its thread (its buyer, seller, or an operator)."""
    return detail_out(await service.get_dispute(session, user, dispute_id))


@router.post(
    "/api/disputes/{dispute_id}/messages",
    status_code=status.HTTP_201_CREATED,
    responses=responses(Unauthorized, DisputeNotFound, DisputeResolved, Unprocessable),
)
async def add_dispute_message(
    dispute_id: uuid.UUID, data: MessageCreate, user: CurrentUser, session: DbSession
) -> DisputeMessageOut:
    """Write in a dispute's thread (its buyer, seller, or an operator) while it is open."""
    message = await service.add_message(session, user, dispute_id, data)
    view = await service.get_dispute(session, user, dispute_id)
    return message_out(message, view)
