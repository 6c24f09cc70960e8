from fabricloop.core.errors import Conflict, Forbidden, NotFound, Unprocessable


class CertificateNotFound(NotFound):
    message = "The certificate does not exist."


class NotASeller(Forbidden):
    message = "Only manufacturers hold certificates."


class CertificateExpired(Conflict):
    code, message = "certificate_expired", "The certificate has expired; it cannot be approved."


class CertificateNotReviewable(Conflict):
    code, message = "invalid_transition", "The certificate cannot change to that status now."


class SchemeMismatch(Unprocessable):
    code, message = "validation_error", "The certification's scheme is not its certificate's."
