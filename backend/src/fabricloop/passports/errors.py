from fabricloop.core.errors import Forbidden, NotFound


class PassportNotFound(NotFound):
    message = "The passport does not exist."


class NotPassportOwner(Forbidden):
    message = "Only the material's seller may change its passport."
