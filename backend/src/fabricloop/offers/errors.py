from fabricloop.core.errors import Conflict, Forbidden, NotFound, Unprocessable


class OfferNotFound(NotFound):
    message = "The offer does not exist."


class OwnListing(Forbidden):
    message = "You cannot make an offer on your own listing."


class NotYourTurn(Forbidden):
    message = "The other party answers this round."


class NotLastRound(Forbidden):
    message = "Only the party who made the last round may withdraw it."


class OfferNotOpen(Conflict):
    code, message = "offer_not_open", "This offer is no longer open."


class WrongCurrency(Unprocessable):
    code, message = "validation_error", "An offer is in the listing's currency."
