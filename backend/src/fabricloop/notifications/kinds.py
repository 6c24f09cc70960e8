"""The kinds of notification. Adding one is one line here: the settings, the emails and the
API's vocabulary all read this table."""

from typing import Final

# kind -> what the settings page and the emails call it
KINDS: Final[dict[str, str]] = {
    "message_received": "New messages",
    "offer_received": "Offers received",
    "offer_countered": "Counter-offers",
    "offer_accepted": "Offers accepted",
    "order_paid": "Paid orders",
    "order_shipped": "Shipped orders",
    "order_completed": "Completed orders",
    "order_cancelled": "Cancelled orders",
    "refund_issued": "Refunds",
    "account_verified": "Company verification",
    "listing_hidden": "Listings hidden by the operator",
    "dispute_opened": "Disputes opened",
    "dispute_resolved": "Disputes resolved",
    "saved_search_match": "Saved search matches",
    "certificate_expiring": "Expiring certificates",
    "certificate_expired": "Expired certificates",
    "certificate_reviewed": "Certificate reviews",
}
KIND_NAMES: Final[tuple[str, ...]] = tuple(KINDS)
