from fabricloop.core.errors import Forbidden, InvalidQuery, NotFound, Unprocessable


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
