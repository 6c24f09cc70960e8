import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from fabricloop.auth.passwords import MAX_LENGTH, password_problem

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def _strong_password(value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _e164_phone(value: str | None) -> str | None:
    if value is None:
        return None
    if not E164.match(value):
        raise ValueError("Must be an E.164 number such as +4915112345678.")
    if not phonenumbers.is_possible_number(phonenumbers.parse(value)):
        raise ValueError("Not a possible phone number.")
    return value


Password = Annotated[str, Field(max_length=MAX_LENGTH * 4), AfterValidator(_strong_password)]
CompanyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
Role = Literal["manufacturer", "brand"]  # who may register
# Any account's role: `admin` accounts come from `fabricloop create-admin` only.
AccountRole = Literal["manufacturer", "brand", "admin"]
Phone = Annotated[str | None, Field(max_length=20), AfterValidator(_e164_phone)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterRequest(Request):
    email: Annotated[str, Field(max_length=320, examples=["buyer@brand.example"])]
    password: Password
    company_name: CompanyName
    role: Role
    phone: Phone = None


class LoginRequest(Request):
    email: Annotated[str, Field(max_length=320)]
    password: Annotated[str, Field(max_length=1024)]


class ProfileUpdate(Request):
    """The fields to change; an omitted field stays as it is, a `phone` of null removes it."""

    company_name: CompanyName | None = None
    phone: Phone = None


class PasswordChange(Request):
    current_password: Annotated[str, Field(max_length=1024)]
    new_password: Password


class RefreshRequest(Request):
    refresh_token: Annotated[
        str | None,
        Field(max_length=2048, description="Optional when the refresh_token cookie is sent."),
    ] = None


class UserOut(BaseModel):
    user_id: uuid.UUID
    email: str
    company_name: str
    role: AccountRole
    phone: str | None
    created_at: datetime


class RegisteredUser(BaseModel):
    user_id: uuid.UUID
    email: str
    company_name: str
    role: Role
    created_at: datetime


class TokenPair(BaseModel):
    token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int = Field(description="Lifetime of the access token in seconds.")
    user_id: uuid.UUID
    email: str
    role: AccountRole
