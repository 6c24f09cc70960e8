from fabricloop.core.errors import (
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
