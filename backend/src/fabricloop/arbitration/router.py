import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fabricloop.arbitration import service
from fabricloop.arbitration.errors import CardDispute
from fabricloop.arbitration.schemas import (
    DisputeCase,
    DisputeCaseList,
    DisputedOrder,
    Party,
    ResolveBody,
)
from fabricloop.auth.deps import ADMIN_ONLY, AdminUser
from fabricloop.auth.errors import ADMIN_ERRORS
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache
from fabricloop.core.errors import InvalidQuery, Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.disputes.errors import DisputeAlreadyResolved, DisputeNotFound
from fabricloop.disputes.views import detail_out
from fabricloop.payments.deps import AppGateway
from fabricloop.payments.errors import GatewayDown
from fabricloop.refunds.errors import RefundExceedsRemaining, RefundRefused
from fabricloop.refunds.service import remaining

router = APIRouter(prefix="/api/admin/disputes", tags=["admin"], dependencies=ADMIN_ONLY)


def _case(found: service.Case) -> DisputeCase:
    t = found.order.transaction
    return DisputeCase(
        **detail_out(found.dispute).model_dump(),
        order=DisputedOrder(
            transaction_id=t.id,
            status=t.status,
            material_id=t.material_id,
            material_title=found.order.material_title,
            quantity=t.quantity,
            unit=t.unit,
            total=t.total,
            currency=t.currency,
            platform_fee=t.platform_fee,
            refunded_amount=t.refunded_amount,
            refundable=remaining(t) if t.platform_fee is not None else 0,
            payout_status=t.payout_status,
            carrier=t.carrier,
            tracking_number=t.tracking_number,
            paid_at=t.paid_at,
            status_history=list(t.status_history),
            buyer=Party(user_id=t.buyer_id, company_name=found.order.buyer_company),
            seller=Party(user_id=t.seller_id, company_name=found.order.seller_company),
            created_at=t.created_at,
        ),
    )


@router.get(
    "",
    responses=responses(*ADMIN_ERRORS, InvalidQuery),
    description="Disputes, oldest first (`?status=open` is the queue), each with its order "
    "(amounts, what is left to refund, the payout's state, shipping and status history, the "
    "two companies) and its thread. Admins only.",
)
async def list_disputes(
    session: DbSession,
    page: Pagination,
    status: Annotated[
        Literal["open", "resolved"] | None, Query(description="Only this status.")
    ] = None,
) -> DisputeCaseList:
    """The disputes console's queue."""
    found, total = await service.cases(session, status, page)
    return DisputeCaseList(
        disputes=[_case(c) for c in found], total=total, page=page.page, limit=page.limit
    )


@router.get("/{dispute_id}", responses=responses(*ADMIN_ERRORS, DisputeNotFound))
async def get_dispute_case(
    dispute_id: uuid.UUID, admin: AdminUser, session: DbSession
) -> DisputeCase:
    """One dispute with its order and thread."""
    return _case(await service.case(session, admin, dispute_id))


@router.post(
    "/{dispute_id}/resolve",
    responses=responses(
        *ADMIN_ERRORS,
        DisputeNotFound,
        DisputeAlreadyResolved,
        CardDispute,
        RefundRefused,
        RefundExceedsRemaining,
        Unprocessable,
        GatewayDown,
    ),
    description="Decide an open dispute, once (again: 409 `dispute_resolved`). "
    "`refund_full` refunds all that is left to refund, `refund_partial` refunds `amount` "
    "(required; more than is left: 422 `refund_exceeds_remaining`), `release` refunds "
    "nothing; refunds go through the payment provider like a seller's refund (the "
    "commission shrinks pro rata, a credit note is issued, a paid-out share is reversed). "
    "Then a shipped order completes and the seller's remaining share is paid out (held while "
    "the seller has no payout account). Every movement is in the ledger. A card dispute is "
    "decided by the card issuer: 409 `card_dispute`. Both parties are notified "
    "(`dispute_resolved`); recorded in the audit log (`dispute.resolve`). Admins only.",
)
async def resolve_dispute(
    dispute_id: uuid.UUID,
    data: ResolveBody,
    admin: AdminUser,
    session: DbSession,
    cache: AppCache,
    gateway: AppGateway,
) -> DisputeCase:
    """Resolve a dispute: refund all, part, or release the payout."""
    return _case(await service.resolve(session, cache, gateway, admin, dispute_id, data))
