from fabricloop.core.errors import Conflict, Forbidden, Unprocessable


class NotTheSeller(Forbidden):
    message = "Only the seller of this order can refund it."


class NotRefundable(Conflict):
    code, message = "not_paid", "The order is not paid; there is nothing to refund."


class RefundExceedsRemaining(Unprocessable):
    code, message = "refund_exceeds_remaining", "The amount is more than is left to refund."


class RefundRefused(Conflict):
    code, message = "refund_refused", "The payment provider refused the refund."
