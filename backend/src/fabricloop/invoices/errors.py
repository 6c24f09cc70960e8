from fabricloop.core.errors import Conflict, NotFound


class NotInvoiced(Conflict):
    code, message = "not_paid", "The order is not paid; it has no invoice yet."


class CreditNoteNotFound(NotFound):
    message = "The order has no such refund."
