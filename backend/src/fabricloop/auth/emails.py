"""Email addresses are case-insensitive: one normal form, checked for syntax only."""

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254


def normalise_email(value: str) -> str | None:
    """The address in its stored form, or None if it is not a valid address."""
    if not value or len(value) > MAX_LENGTH:
        return None
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.normalized.lower()
