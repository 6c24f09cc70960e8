"""Imports every table so that Alembic and the tests see the whole schema."""

from fabricloop.audit.models import AdminAction
from fabricloop.auth.models import RefreshToken, User
from fabricloop.certificates.models import Certificate
from fabricloop.companies.models import Company
from fabricloop.core.models import Base
from fabricloop.disputes.models import Dispute, DisputeMessage
from fabricloop.documents.models import UploadedDocument
from fabricloop.fx.models import FxRate
from fabricloop.images.models import Image
from fabricloop.invoices.models import Document, DocumentCounter
from fabricloop.ledger.models import LedgerEntry
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    MaterialLot,
    MaterialPublication,
    PassportChange,
    SustainabilityMetric,
)
from fabricloop.messages.models import Message
from fabricloop.moderation.models import ListingReport
from fabricloop.notifications.models import Notification, NotificationSetting, OutboxEmail
from fabricloop.offers.models import Offer
from fabricloop.payments.models import IdempotencyKey, Payment, WebhookEvent
from fabricloop.payouts.models import ConnectedAccount, Payout
from fabricloop.refunds.models import Refund
from fabricloop.saved_searches.models import SavedSearch, SavedSearchMatch
from fabricloop.shipping.models import ShippingProfile, ShippingZone
from fabricloop.transactions.models import Transaction

__all__ = [
    "AdminAction",
    "Base",
    "Certificate",
    "Company",
    "ConnectedAccount",
    "DigitalProductPassport",
    "Dispute",
    "DisputeMessage",
    "Document",
    "DocumentCounter",
    "FxRate",
    "IdempotencyKey",
    "Image",
    "LedgerEntry",
    "ListingReport",
    "Material",
    "MaterialLot",
    "MaterialPublication",
    "Message",
    "Notification",
    "NotificationSetting",
    "Offer",
    "OutboxEmail",
    "PassportChange",
    "Payment",
    "Payout",
    "RefreshToken",
    "Refund",
    "SavedSearch",
    "SavedSearchMatch",
    "ShippingProfile",
    "ShippingZone",
    "SustainabilityMetric",
    "Transaction",
    "UploadedDocument",
    "User",
    "WebhookEvent",
]
