from fabricloop.core.errors import Conflict, NotFound


class UserNotFound(NotFound):
    message = "The user does not exist."


class CannotSuspendSelf(Conflict):
    code, message = "cannot_suspend_self", "You cannot suspend your own account."


class AlreadySuspended(Conflict):
    code, message = "already_suspended", "The account is suspended already."


class NotSuspended(Conflict):
    code, message = "not_suspended", "The account is not suspended."


class TransactionNotFound(NotFound):
    message = "The transaction does not exist."
