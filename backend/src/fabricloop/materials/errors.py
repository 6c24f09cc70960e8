from fabricloop.core.errors import (
    Conflict,
    Forbidden,
    InvalidQuery,
    NotFound,
    ServiceUnavailable,
    Unprocessable,
)


class MaterialNotFound(NotFound):
    message = "The material does not exist."


class ImageNotFound(NotFound):
    message = "An image does not exist or was not uploaded by you."


class NotMaterialOwner(Forbidden):
    message = "Only the seller may change this material."


class ListingNotAllowed(Forbidden):
    message = "Only manufacturer accounts may list materials."


class InvalidMaterial(Unprocessable):
    pass


class InvalidSearch(InvalidQuery):
    pass


class ListingBusy(ServiceUnavailable):
    """The reservation waited for the listing's row longer than the database allows: under a
    pile-up of buyers on one listing; retrying shortly is safe (nothing was taken)."""

    message = "Too many buyers on this listing at once; nothing was reserved. Retry shortly."


class AlreadyHidden(Conflict):
    code, message = "already_hidden", "The listing is hidden already."


class NotHidden(Conflict):
    code, message = "not_hidden", "The listing is not hidden."


class ListingHidden(Conflict):
    code = "listing_hidden"
    message = "The operator has hidden this listing; its status cannot change until it is unhidden."
