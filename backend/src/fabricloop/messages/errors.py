from fabricloop.core.errors import InvalidQuery, NotFound, Unprocessable


class RecipientNotFound(NotFound):
    message = "The recipient does not exist."


class UserNotFound(NotFound):
    message = "The user does not exist."


class MessageToSelf(Unprocessable):
    message = "You cannot send a message to yourself."


class InvalidBefore(InvalidQuery):
    message = "`before` must be a message id of this conversation or an RFC 3339 timestamp."


def message_to_self() -> MessageToSelf:
    return MessageToSelf(
        details=[{"field": "recipient_id", "message": "You cannot message yourself."}]
    )
