from fabricloop.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unprocessable,
)


class TransactionNotFound(NotFound):
    message = "The transaction does not exist."


class InsufficientQuantity(Conflict):
    code, message = "insufficient_quantity", "Not enough of this material is available."


class CannotBuyOwnMaterial(Unprocessable):
    code, message = "cannot_buy_own_material", "You cannot buy your own listing."


class BelowMinimumOrder(Unprocessable):
    code, message = "below_minimum_order", "The quantity is below the listing's minimum order."


class InvalidIncrement(Unprocessable):
    code, message = (
        "invalid_increment",
        "The quantity is not the listing's minimum order plus whole order increments.",
    )


class SamplesUnavailable(Unprocessable):
    code, message = "samples_unavailable", "This listing offers no samples."


class SampleAlreadyOpen(Conflict):
    code, message = (
        "sample_already_ordered",
        "You already have an open sample order for this listing.",
    )


class InvalidTransition(Conflict):
    code, message = (
        "invalid_transition",
        "This status change is not allowed from the current status.",
    )


class WrongParty(Forbidden):
    message = "The other party of this transaction makes this status change."


class ListingChanged(Conflict):
    code = "listing_changed"
    message = "The listing's price or unit changed while you were buying; review it and retry."


class PriceChanged(Conflict):
    code = "price_changed"
    message = "The listing's price is not the one you were shown; review it and order again."
