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


@dataclass(frozen=True)
class RefundRequest:
    transaction_id: uuid.UUID
    # The PaymentIntent refunded.
    payment_reference: str
    amount: Decimal
    currency: str
    idempotency_key: str


@dataclass(frozen=True)
class RefundResult:
    reference: str
    status: Literal["succeeded", "pending", "failed"]
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class TransferRequest:
    transaction_id: uuid.UUID
    # The seller's connected account.
    account_reference: str
    amount: Decimal
    currency: str
    idempotency_key: str


@dataclass(frozen=True)
class TransferReversalRequest:
    transfer_reference: str
    amount: Decimal
    currency: str
    idempotency_key: str


@dataclass(frozen=True)
class AccountState:
    reference: str
    payouts_enabled: bool
    details_submitted: bool
    # Requirements Stripe still waits for; with none left and payouts off, it is restricted.
    disabled_reason: str | None = None


class RefundRefused(Exception):
    """The gateway refused the refund (more than is left on the charge, a disputed charge)."""


class PaymentGateway(Protocol):
    name: str

    async def charge(self, request: ChargeRequest) -> ChargeResult: ...

    async def retrieve_intent(self, reference: str) -> ChargeResult:
        """The PaymentIntent as the gateway has it now."""
        ...

    async def cancel_intent(self, reference: str) -> ChargeResult:
        """Cancel an unfinished PaymentIntent; one that succeeded meanwhile is returned as it
        is (the caller applies the success instead)."""
        ...

    async def refund(self, request: RefundRequest) -> RefundResult: ...

    async def transfer(self, request: TransferRequest) -> str:
        """Move the seller's share to their connected account; returns the transfer's id."""
        ...

    async def reverse_transfer(self, request: TransferReversalRequest) -> str: ...

    async def create_account(self, user_id: uuid.UUID, email: str, idempotency_key: str) -> str:
        """A connected (Express) account for a seller; returns its id."""
        ...

    async def account_link(self, reference: str, refresh_url: str, return_url: str) -> str:
        """A one-time onboarding URL for the connected account."""
        ...

    async def retrieve_account(self, reference: str) -> AccountState: ...

    async def check(self) -> None: ...

    async def aclose(self) -> None: ...


def create_gateway(settings: Settings) -> PaymentGateway:
    if settings.stripe_secret_key:
        from fabricloop.payments.stripe_gateway import StripeGateway

        return StripeGateway(settings.stripe_secret_key, api_base=settings.stripe_api_base)
    from fabricloop.payments.sandbox import SandboxGateway

    return SandboxGateway(settings.public_base_url, settings.sandbox_latency_ms / 1000)
