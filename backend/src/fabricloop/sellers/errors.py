from fabricloop.core.errors import NotFound


class SellerNotFound(NotFound):
    message = "The seller does not exist."
