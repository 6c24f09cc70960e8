from fabricloop.core.errors import Unprocessable


class InvalidRatesFile(Unprocessable):
    code, message = "invalid_rates_file", "The file is not in the ECB daily CSV format."
