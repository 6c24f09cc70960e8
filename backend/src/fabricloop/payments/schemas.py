import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from fabricloop.transactions.schemas import JsonDecimal

if TYPE_CHECKING:
    from fabricloop.payments.models import Payment

PaymentStatus = Literal["succeeded", "failed", "requires_action", "processing", "refunded"]


class PaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    transaction_id: uuid.UUID
    payment_method: Annotated[
        str,
        Field(
            min_length=4,
            max_length=255,
            pattern=r"^pm_[A-Za-z0-9_]+$",
            description="A Stripe PaymentMethod id; in the sandbox, Stripe's test methods "
            "(pm_card_visa, pm_card_visa_chargeDeclined, pm_card_authenticationRequired...). "
            "An unknown one is a 422.",
            examples=["pm_card_visa"],
        ),
    ]


class PaymentOut(BaseModel):
    payment_id: uuid.UUID
    status: PaymentStatus
    transaction_id: uuid.UUID
    amount: JsonDecimal
    currency: str


class PaymentPending(PaymentOut):
    """202: the card needs authentication (3-D Secure); the transaction stays pending."""

    client_secret: str | None = Field(
        None, description="For Stripe.js to complete the authentication in the browser."
    )
    next_action_url: str | None = Field(
        None,
        description="Sandbox only: a page of this app that plays the bank's challenge; its "
        "buttons post to `/api/payments/{payment_id}/sandbox/authenticate`.",
    )


class PaymentDetail(BaseModel):
    payment_id: uuid.UUID
    transaction_id: uuid.UUID
    status: PaymentStatus
    amount: JsonDecimal
    currency: str
    gateway: str
    decline_code: str | None
    failure_message: str | None
    created_at: datetime
    updated_at: datetime


class WebhookAck(BaseModel):
    received: bool = True
    duplicate: bool = Field(False, description="The event was applied before; nothing changed.")


class SandboxAuthentication(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["approve", "fail"]


def payment_detail(payment: "Payment") -> PaymentDetail:
    """A payment attempt as the API shows it."""
    return PaymentDetail(
        payment_id=payment.id,
        transaction_id=payment.transaction_id,
        status=payment.status,
        amount=payment.amount,
        currency=payment.currency,
        gateway=payment.gateway,
        decline_code=payment.decline_code,
        failure_message=payment.failure_message,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
    )


class PaymentConfig(BaseModel):
    """What the web app needs to take a payment."""

    gateway: Literal["sandbox", "stripe"] = Field(
        description="`sandbox`: pay with Stripe's test payment method ids (`pm_card_visa`...) "
        "and the sandbox's 3-D Secure page. `stripe`: collect the card with Stripe.js and "
        "complete 3-D Secure with `handleNextAction` and the 202's `client_secret`."
    )
    stripe_publishable_key: str | None = Field(description="For Stripe.js; null with the sandbox.")
