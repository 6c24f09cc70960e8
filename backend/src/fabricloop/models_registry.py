"""Imports every table so that Alembic and the tests see the whole schema."""

from fabricloop.auth.models import RefreshToken, User
from fabricloop.core.models import Base
from fabricloop.images.models import Image
from fabricloop.ledger.models import LedgerEntry
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    MaterialLot,
    PassportChange,
    SustainabilityMetric,
)
from fabricloop.messages.models import Message
from fabricloop.payments.models import IdempotencyKey, Payment, WebhookEvent
from fabricloop.refunds.models import Refund
from fabricloop.transactions.models import Transaction

__all__ = [
    "Base",
    "DigitalProductPassport",
    "IdempotencyKey",
    "Image",
    "LedgerEntry",
    "Material",
    "MaterialLot",
    "Message",
    "PassportChange",
    "Payment",
    "RefreshToken",
    "Refund",
    "SustainabilityMetric",
    "Transaction",
    "User",
    "WebhookEvent",
]
