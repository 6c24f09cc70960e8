from fabricloop.core.errors import Conflict, Forbidden, NotFound


class ReportNotFound(NotFound):
    message = "The report does not exist."


class AlreadyReported(Conflict):
    code, message = "already_reported", "You have an open report of this listing already."


class CannotReportOwnListing(Forbidden):
    message = "You cannot report your own listing."


class ReportResolvedAlready(Conflict):
    code, message = "report_resolved", "The report is resolved already."
