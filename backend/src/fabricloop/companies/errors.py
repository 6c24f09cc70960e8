from fabricloop.core.errors import Conflict, NotFound


class CompanyNotFound(NotFound):
    message = "No company details have been given yet."


class CompanyDetailsMissing(Conflict):
    code, message = "company_details_missing", "The account has no company details to verify."


class AlreadyVerified(Conflict):
    code, message = "already_verified", "The account is verified already."


class NotVerified(Conflict):
    code, message = "not_verified", "The account is not verified."
