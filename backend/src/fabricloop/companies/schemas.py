import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from fabricloop.core.countries import COUNTRY_CODES


def _no_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError("Must not contain NUL characters.")
    return value


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError("Must be an ISO 3166-1 alpha-2 country code such as PT.")
    return code


def _stripped(low: int, high: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=low, max_length=high)


class CompanyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    legal_name: Annotated[str, _stripped(2, 200), AfterValidator(_no_nul)] = Field(
        description="As registered, e.g. `Têxteis do Ave, Lda`."
    )
    registration_number: Annotated[str, _stripped(1, 50), AfterValidator(_no_nul)] = Field(
        description="The company register's number (Handelsregister, Companies House, ...)."
    )
    vat_number: Annotated[str | None, Field(max_length=40), AfterValidator(_no_nul)] = Field(
        None,
        description="Optional (null or blank: none). Checked against `country`'s format and "
        "check digits: every EU member state, GB, CH, NO and the other countries "
        "python-stdnum knows; elsewhere 2-20 letters and digits. A number of the wrong shape "
        "for the country is a 422 on `vat_number`. Stored compact: EU numbers with their VIES "
        "prefix (`136 695 976` in DE -> `DE136695976`; Greece `EL…`), NO with `MVA`, CH with "
        "`MWST`.",
    )
    country: Annotated[str, AfterValidator(_country)] = Field(
        description="ISO 3166-1 alpha-2 of the registered office."
    )
    address: Annotated[str, _stripped(5, 500), AfterValidator(_no_nul)] = Field(
        description="The registered office's postal address (lines separated by newlines)."
    )


class CompanyOut(BaseModel):
    user_id: uuid.UUID
    legal_name: str
    registration_number: str
    vat_number: str | None
    country: str
    address: str
    verified: bool = Field(
        description="The operator has checked these details. Changing the legal name, "
        "registration number, VAT number or country ends the verification."
    )
    verified_at: datetime | None
    updated_at: datetime
