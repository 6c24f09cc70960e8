import uuid

from fastapi import APIRouter, status

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache
from fabricloop.core.errors import Unauthorized, Unprocessable, responses
from fabricloop.payments.deps import AppGateway
from fabricloop.payments.errors import GatewayDown
from fabricloop.refunds import service
from fabricloop.refunds.errors import (
    NotRefundable,
    NotTheSeller,
    RefundExceedsRemaining,
    RefundRefused,
)
from fabricloop.refunds.models import Refund
from fabricloop.refunds.schemas import RefundCreate, RefundList, RefundOut
from fabricloop.transactions.errors import TransactionNotFound

router = APIRouter(prefix="/api/transactions", tags=["refunds"])


def refund_out(refund: Refund) -> RefundOut:
    return RefundOut(
        refund_id=refund.id,
        transaction_id=refund.transaction_id,
        amount=refund.amount,
        currency=refund.currency,
        status=refund.status,
        reason=refund.reason,
        created_at=refund.created_at,
    )


@router.post(
    "/{transaction_id}/refunds",
    status_code=status.HTTP_201_CREATED,
    responses=responses(
        Unauthorized,
        NotTheSeller,
        TransactionNotFound,
        NotRefundable,
        RefundRefused,
        RefundExceedsRemaining,
        Unprocessable,
        GatewayDown,
    ),
    description="The seller (or an operator: the refund is recorded in the audit log) "
    "refunds the buyer through the payment provider (with an "
    "idempotency key, so a retry never refunds twice): `amount` defaults to all that is "
    "left. The order's `refunded_amount` grows and the platform's commission shrinks pro "
    "rata; a full refund of a `paid` (not yet shipped) order cancels it and returns its "
    "stock. Concurrent refunds are serialised on the order: of two refunds of what is left, "
    "one succeeds and the other is a 422. Not yet paid: 409 `not_paid`; the buyer: 403; "
    "anyone else: 404.",
)
async def create_refund(
    transaction_id: uuid.UUID,
    data: RefundCreate,
    user: CurrentUser,
    session: DbSession,
    cache: AppCache,
    gateway: AppGateway,
) -> RefundOut:
    """Refund part or all of a paid order (its seller, or an operator)."""
    refund = await service.create_refund(session, cache, gateway, user, transaction_id, data)
    return refund_out(refund)


@router.get(
    "/{transaction_id}/refunds",
    responses=responses(Unauthorized, TransactionNotFound),
    description="The order's refunds, oldest first, to its buyer and seller (anyone else: "
    "404); each has a credit note at `/api/transactions/{id}/credit-notes/{refund_id}.pdf`.",
)
async def list_refunds(
    transaction_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> RefundList:
    """The refunds of an order (its buyer or seller)."""
    refunds = await service.list_refunds(session, user, transaction_id)
    return RefundList(refunds=[refund_out(r) for r in refunds])
