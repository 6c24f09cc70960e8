from fabricloop.core.errors import BadRequest, Conflict, Forbidden, RateLimited, Unauthorized


class InvalidEmail(BadRequest):
    code, message = "invalid_email", "The email address is not valid."


class EmailTaken(Conflict):
    code, message = "email_taken", "An account with this email already exists."


class InvalidCredentials(Unauthorized):
    message = "Email or password is incorrect."


class AccountSuspended(Forbidden):
    code, message = "account_suspended", "This account is suspended by the operator."


class InvalidSession(Unauthorized):
    message = "The token is missing, invalid, expired or revoked."


class TooManyLoginAttempts(RateLimited):
    message = "Too many failed logins for this account; try again later."


class TooManyRegistrations(RateLimited):
    message = "Too many registrations from this address; try again later."


class AdminOnly(Forbidden):
    code, message = "forbidden", "Only the operator (an admin account) may do this."


# The errors every `/api/admin` route may answer, for its `responses(...)`.
ADMIN_ERRORS = (InvalidSession, AdminOnly)
