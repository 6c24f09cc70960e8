from fabricloop.core.errors import BadRequest


class InvalidUnsubscribeToken(BadRequest):
    code, message = "invalid_token", "This unsubscribe link is not valid."
