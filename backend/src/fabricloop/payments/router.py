import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request, status
from fastapi.responses import JSONResponse

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppSettings, cache_of, settings_of
from fabricloop.core.errors import BadRequest, Unauthorized, Unprocessable, responses
from fabricloop.payments import service
from fabricloop.payments.deps import gateway_of
from fabricloop.payments.errors import (
    AlreadyPaid,
    GatewayDown,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    NotPayable,
    PaymentDeclined,
    PaymentNotFound,
    ReplayedFailure,
)
from fabricloop.payments.schemas import (
    PaymentConfig,
    PaymentCreate,
    PaymentDetail,
    PaymentOut,
    PaymentPending,
    payment_detail,
)
from fabricloop.transactions.errors import TransactionNotFound

router = APIRouter(prefix="/api/payments", tags=["payments"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Optional. The same key with the same body returns the first response "
        "again (declines too) for at least 24 hours; with another body: 422; while the first "
        "request is still running: 409.",
    ),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentOut,
    responses={
        202: {"model": PaymentPending, "description": "Authentication required."},
        **responses(
            BadRequest,
            Unauthorized,
            PaymentDeclined,
            TransactionNotFound,
            AlreadyPaid,
            NotPayable,
            IdempotencyKeyInUse,
            IdempotencyKeyReused,
            Unprocessable,
            GatewayDown,
        ),
    },
)
async def create_payment(
    data: PaymentCreate,
    user: CurrentUser,
    session: DbSession,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Pay a pending transaction of yours; on success it becomes paid."""
    try:
        outcome = await service.create_payment(
            session,
            settings_of(request),
            cache_of(request),
            gateway_of(request),
            user,
            data,
            idempotency_key,
        )
    except ReplayedFailure as replay:
        return JSONResponse(replay.body, status_code=replay.status)
    status_code = status.HTTP_202_ACCEPTED if outcome.pending else status.HTTP_201_CREATED
    return JSONResponse(outcome.body, status_code=status_code)


@router.get("/config")
async def payment_config(settings: AppSettings) -> PaymentConfig:
    """Public: which gateway takes payments, and Stripe.js's publishable key."""
    stripe = bool(settings.stripe_secret_key)
    return PaymentConfig(
        gateway="stripe" if stripe else "sandbox",
        stripe_publishable_key=(settings.stripe_publishable_key or None) if stripe else None,
    )


@router.get("/{payment_id}", responses=responses(Unauthorized, PaymentNotFound))
async def get_payment(
    payment_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> PaymentDetail:
    """A payment attempt, to the buyer or seller of its transaction."""
    return payment_detail(await service.get_payment(session, user, payment_id))
