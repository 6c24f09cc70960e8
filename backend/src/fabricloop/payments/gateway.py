"""The payment gateway interface, the amounts it speaks (minor units), and the choice of
implementation by configuration."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from fabricloop.config import Settings

ChargeStatus = Literal["succeeded", "failed", "requires_action", "processing"]

# Stripe's zero-decimal currencies among ours; every other one of ours has cents.
ZERO_DECIMAL_CURRENCIES = frozenset({"VND"})


class GatewayUnavailable(Exception):
    """The gateway could not be reached or answered with an error of its own."""


class InvalidPaymentMethod(Exception):
    """The gateway does not know the payment method."""


class UnchargeableAmount(Exception):
    """The amount has a fraction the currency's minor unit can't express."""


def to_minor_units(amount: Decimal, currency: str) -> int:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    scaled = amount.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise UnchargeableAmount(f"{amount} {currency} has a fraction of the minor unit")
    return int(scaled)


def from_minor_units(amount: int, currency: str) -> Decimal:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return Decimal(amount).scaleb(-exponent).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ChargeRequest:
    transaction_id: uuid.UUID
    amount: Decimal
    currency: str
    payment_method: str
    # The same key returns the first outcome again instead of charging twice.
    idempotency_key: str
    description: str


@dataclass(frozen=True)
class ChargeResult:
    status: ChargeStatus
    reference: str | None
    # What the gateway says it charged; checked against the transaction before it is paid.
    amount: Decimal | None
    currency: str | None
    decline_code: str | None = None
    message: str | None = None
    client_secret: str | None = None


class PaymentGateway(Protocol):
    name: str

    async def charge(self, request: ChargeRequest) -> ChargeResult: ...

    async def check(self) -> None: ...

    async def aclose(self) -> None: ...


def create_gateway(settings: Settings) -> PaymentGateway:
    if settings.stripe_secret_key:
        from fabricloop.payments.stripe_gateway import StripeGateway

        return StripeGateway(settings.stripe_secret_key, api_base=settings.stripe_api_base)
    from fabricloop.payments.sandbox import SandboxGateway

    return SandboxGateway()
