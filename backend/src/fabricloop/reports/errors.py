from fabricloop.core.errors import BadRequest, InvalidQuery


class InvalidDateRange(BadRequest):
    code = "invalid_date_range"
    message = "start_date and end_date must be YYYY-MM-DD dates with start_date <= end_date."


class InvalidExportFormat(InvalidQuery):
    message = "format must be csv or pdf."


class InvalidSide(InvalidQuery):
    message = "side must be purchases or sales."
