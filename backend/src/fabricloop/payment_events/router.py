"""The routes where the gateway tells what happened: Stripe's webhook."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache, AppSettings
from fabricloop.core.errors import Unauthorized, Unprocessable, responses
from fabricloop.payment_events import service
from fabricloop.payments.deps import AppGateway
from fabricloop.payments.errors import (
    GatewayDown,
    InvalidSignature,
    PaymentNotFound,
    WebhookTooLarge,
)
from fabricloop.payments.schemas import (
    PaymentDetail,
    SandboxAuthentication,
    WebhookAck,
    payment_detail,
)

router = APIRouter(prefix="/api/payments", tags=["payments"])


@router.post(
    "/webhook",
    responses=responses(InvalidSignature, WebhookTooLarge, GatewayDown),
    description="Stripe events, verified with `STRIPE_WEBHOOK_SECRET` on the raw body (a "
    "missing secret, a bad signature, or a timestamp more than 300 s old or ahead: 400). "
    "Each event id is applied once; a duplicate also answers 200. Applied: "
    "`payment_intent.succeeded` (a success for a cancelled order, or a second success of one "
    "order, is refunded automatically), `payment_intent.payment_failed`, "
    "`payment_intent.canceled`, `payment_intent.requires_action`, `charge.refunded` (refunds "
    "made in Stripe's dashboard), `charge.dispute.created` (holds the payout), "
    "`charge.dispute.closed` (won: released; lost: recorded as a refund), `account.updated`. "
    "When a refund it needs can't be made, 503: Stripe delivers the event again.",
)
async def receive_webhook(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    cache: AppCache,
    gateway: AppGateway,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> WebhookAck:
    """Receive a Stripe event."""
    payload = await request.body()
    applied = await service.receive(session, settings, cache, gateway, payload, stripe_signature)
    return WebhookAck(duplicate=not applied)


@router.post(
    "/{payment_id}/sandbox/authenticate",
    responses=responses(Unauthorized, PaymentNotFound, Unprocessable, GatewayDown),
    description="The sandbox's 3-D Secure challenge, answered by the buyer: `approve` makes "
    "the payment succeed and the order paid; `fail` declines it (`authentication_failed`) "
    "and the order stays pending. A payment no longer awaiting authentication is answered as "
    "it is. 404 when the gateway is Stripe (Stripe.js completes it there), or for anyone but "
    "the buyer.",
)
async def authenticate_sandbox_payment(
    payment_id: uuid.UUID,
    data: SandboxAuthentication,
    user: CurrentUser,
    session: DbSession,
    settings: AppSettings,
    gateway: AppGateway,
) -> PaymentDetail:
    """Answer the sandbox's 3-D Secure challenge (the buyer)."""
    payment = await service.sandbox_authenticate(
        session, settings, gateway, user, payment_id, data.outcome == "approve"
    )
    return payment_detail(payment)
