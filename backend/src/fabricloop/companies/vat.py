"""VAT numbers checked against their country's format and check digits, with python-stdnum
(docs/decisions/company-verification.md)."""

import re

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.util import get_cc_module

# The EU's VAT prefix where it differs from the ISO code.
EU_PREFIX = {"GR": "EL"}
# Suffixes some countries write after the number, added when left out.
SUFFIX = {"NO": "MVA", "CH": "MWST"}
FALLBACK = re.compile(r"^[A-Z0-9]{2,20}$")


class InvalidVatNumber(ValueError):
    pass


def _compact(value: str) -> str:
    return re.sub(r"[\s.\-/]", "", value).upper()


def normalise_vat(country: str, number: str) -> str:
    """The VAT number of a company in `country` in its stored form, or InvalidVatNumber.

    EU member states (and XI, Northern Ireland): the VIES format with the country's prefix,
    which may be left out (`136695976` in DE -> `DE136695976`); a number of another member
    state is refused. Other countries with a VAT module in python-stdnum (GB, CH, NO and many
    more): that module's format and check digits. Countries without one: 2-20 letters and
    digits."""
    country = country.upper()
    compact = _compact(number)
    if not compact:
        raise InvalidVatNumber("Must not be empty.")
    if country.lower() in eu_vat.MEMBER_STATES:
        prefix = EU_PREFIX.get(country, country)
        if not compact.startswith(prefix):
            compact = prefix + compact
        try:
            return str(eu_vat.validate(compact))
        except ValidationError as error:
            raise InvalidVatNumber(f"Not a valid {country} VAT number: {error}") from None
    module = get_cc_module(country.lower(), "vat")
    if module is None:
        if not FALLBACK.match(compact):
            raise InvalidVatNumber("Must be 2-20 letters and digits.")
        return compact
    suffix = SUFFIX.get(country)
    if suffix and not compact.endswith(suffix):
        compact += suffix
    try:
        valid = str(module.validate(compact))
    except ValidationError as error:
        raise InvalidVatNumber(f"Not a valid {country} VAT number: {error}") from None
    return valid if valid.startswith(country) or country == "CH" else country + valid
