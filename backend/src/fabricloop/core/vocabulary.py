"""Closed vocabularies shared by the API, the database CHECK constraints and the UI."""

# `admin` (the operator) is created only by `fabricloop create-admin`, never by registering.
SIGNUP_ROLES = ("manufacturer", "brand")
ROLES = (*SIGNUP_ROLES, "admin")
ADMIN_ROLE = "admin"
MATERIAL_TYPES = (
    "cotton",
    "organic_cotton",
    "recycled_cotton",
    "polyester",
    "recycled_polyester",
    "nylon",
    "recycled_nylon",
    "wool",
    "recycled_wool",
    "viscose",
    "lyocell",
    "linen",
    "hemp",
    "silk",
    "acrylic",
    "elastane",
    "blend",
    "other",
)
SOURCE_TYPES = ("deadstock", "surplus", "post_industrial", "post_consumer", "recycled")
UNITS = ("kg", "m", "m2", "yd", "roll", "piece")
WHOLE_UNITS = ("roll", "piece")
CURRENCIES = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "SEK",
    "DKK",
    "NOK",
    "PLN",
    "CZK",
    "CNY",
    "INR",
    "TRY",
    "BDT",
    "VND",
    "PKR",
    "CAD",
    "AUD",
)
CERTIFICATION_SCHEMES = (
    "GOTS",
    "GRS",
    "RCS",
    "OEKO-TEX",
    "bluesign",
    "OCS",
    "FSC",
    "Cradle to Cradle",
    "EU Ecolabel",
    "RWS",
    "other",
)
SUPPLY_CHAIN_STAGES = (
    "fibre",
    "spinning",
    "weaving",
    "knitting",
    "dyeing",
    "finishing",
    "cutting",
    "warehouse",
    "other",
)
# `hidden`: withheld by the operator (a hidden listing, or any listing of a suspended seller);
# set and lifted by the operator only, the listing returning to the status it had.
MATERIAL_STATUSES = ("draft", "active", "sold_out", "archived", "hidden")
LISTING_REPORT_REASONS = ("counterfeit_claim", "misleading_metrics", "prohibited", "other")
LISTING_REPORT_STATUSES = ("open", "actioned", "dismissed")
LOT_GRADES = ("first", "second")
TRANSACTION_KINDS = ("order", "sample")
TRANSACTION_STATUSES = ("pending", "paid", "shipped", "completed", "cancelled")
# refunded: charged, then refunded in full because the order could not keep it.
PAYMENT_STATUSES = ("succeeded", "failed", "requires_action", "processing", "refunded")
PAYOUT_STATUSES = ("none", "held", "scheduled", "paid", "reversed")
LEDGER_KINDS = ("charge", "fee", "refund", "transfer", "transfer_reversal")
REFUND_STATUSES = ("succeeded", "pending", "failed")
ACCOUNT_STATUSES = ("pending", "enabled", "restricted")
DISPUTE_REASONS = ("not_received", "not_as_described", "damaged", "other")
DISPUTE_SOURCES = ("buyer", "card")
DISPUTE_STATUSES = ("open", "resolved")
DISPUTE_OUTCOMES = ("refund_full", "refund_partial", "release")
INVOICE_KINDS = ("invoice", "credit_note")


_SCHEMES_BY_FOLDED = {s.casefold(): s for s in CERTIFICATION_SCHEMES}


def certification_scheme(value: str) -> str:
    """The vocabulary's spelling of a scheme named in any case; ValueError if unknown."""
    canonical = _SCHEMES_BY_FOLDED.get(value.strip().casefold())
    if canonical is None:
        raise ValueError(f"Must be one of: {', '.join(CERTIFICATION_SCHEMES)}.")
    return canonical


def plain(code: str) -> str:
    """A vocabulary code in plain words: `recycled_cotton` -> `recycled cotton`."""
    return " ".join(code.replace("_", " ").split())
