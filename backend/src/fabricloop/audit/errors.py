from fabricloop.core.errors import BadRequest


class InvalidDateRange(BadRequest):
    code = "invalid_date_range"
    message = "start_date must not be after end_date."
