from fabricloop.core.errors import Conflict, Forbidden, NotFound, Unprocessable


class OfferNotFound(NotFound):
    message = "The offer does not exist."


class OwnListing(Forbidden):
    code, message = "cannot_offer_on_own_listing", "You cannot make an offer on your own listing."


class NotYourTurn(Forbidden):
    code, message = "not_your_turn", "The other party answers this round."


class NotLastRound(Forbidden):
    code, message = "not_your_round", "Only the party who made the last round may withdraw it."


class OfferNotOpen(Conflict):
    code, message = "offer_not_open", "This offer is no longer open."


class WrongCurrency(Unprocessable):
    code, message = "validation_error", "An offer is in the listing's currency."
