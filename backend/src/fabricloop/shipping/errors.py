from fabricloop.core.errors import Forbidden, NotFound, Unprocessable


class ShippingProfileNotFound(NotFound):
    message = "You have no shipping profile yet."


class ProfileNotAllowed(Forbidden):
    message = "Only manufacturer accounts have a shipping profile."


class NotShippedToCountry(Unprocessable):
    code, message = "not_shipped_to_country", "The seller does not ship to this country."


class PickupUnavailable(Unprocessable):
    code, message = "pickup_unavailable", "The seller does not offer pickup."
