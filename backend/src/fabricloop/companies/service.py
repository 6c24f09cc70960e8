"""Company details (legal name, registration and VAT numbers, address) and the operator's
verification of them. `users.verified_at` is what every seller object shows as `verified`."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit import service as audit
from fabricloop.auth.models import User
from fabricloop.companies import repository
from fabricloop.companies.errors import (
    AlreadyVerified,
    CompanyDetailsMissing,
    CompanyNotFound,
    NotVerified,
)
from fabricloop.companies.models import Company
from fabricloop.companies.schemas import CompanyIn, CompanyOut
from fabricloop.companies.vat import InvalidVatNumber, normalise_vat
from fabricloop.core.cache import Cache
from fabricloop.core.errors import NotFound, field_error
from fabricloop.materials import moderation as listings
from fabricloop.notifications import service as notifications

# A change of any of these is a different company: the operator must verify it again.
IDENTITY = ("legal_name", "registration_number", "vat_number", "country")


def _now() -> datetime:
    return datetime.now(UTC)


def company_out(company: Company, verified_at: datetime | None) -> CompanyOut:
    return CompanyOut(
        user_id=company.user_id,
        legal_name=company.legal_name,
        registration_number=company.registration_number,
        vat_number=company.vat_number,
        country=company.country,
        address=company.address,
        verified=verified_at is not None,
        verified_at=verified_at,
        updated_at=company.updated_at,
    )


async def company_of(session: AsyncSession, user_id: uuid.UUID) -> Company | None:
    return await repository.get(session, user_id)


def party_of(user_param: str) -> str:
    """The party an invoice names for the user bound to `:<user_param>`, as a scalar subquery
    for the statement that issues it (NULL for a user without company details)."""
    return repository.party_of(user_param)


async def get_company(session: AsyncSession, user: User) -> CompanyOut:
    company = await repository.get(session, user.id)
    if company is None:
        raise CompanyNotFound()
    return company_out(company, user.verified_at)


async def put_company(
    session: AsyncSession, cache: Cache, user: User, data: CompanyIn
) -> CompanyOut:
    """Create or replace the details. A change of identity ends the verification (and the
    badge on the seller's listings)."""
    vat_number = None
    if data.vat_number is not None and data.vat_number.strip():
        try:
            vat_number = normalise_vat(data.country, data.vat_number)
        except InvalidVatNumber as error:
            raise field_error("vat_number", str(error)) from None
    values = {
        "legal_name": data.legal_name,
        "registration_number": data.registration_number,
        "vat_number": vat_number,
        "country": data.country,
        "address": data.address,
    }
    locked = await repository.lock_user(session, user.id)
    assert locked is not None  # the signed-in user
    company = await repository.lock(session, user.id)
    if company is None:
        company = await repository.add(session, Company(user_id=user.id, **values))
    else:
        changed = any(getattr(company, f) != values[f] for f in IDENTITY)
        for field, value in values.items():
            setattr(company, field, value)
        company.updated_at = _now()
        company = await repository.flush(session, company)
        if changed and locked.verified_at is not None:
            await repository.set_verified(session, user.id, None)
            locked.verified_at = None
            await listings.seller_changed(session, cache, user.id)
    return company_out(company, locked.verified_at)


async def _target(session: AsyncSession, user_id: uuid.UUID) -> tuple[User, Company | None]:
    user = await repository.lock_user(session, user_id)
    if user is None:
        raise NotFound("The user does not exist.")
    return user, await repository.get(session, user_id)


async def verify(
    session: AsyncSession, cache: Cache, admin: User, user_id: uuid.UUID
) -> CompanyOut:
    """The operator vouches for the account's company details: `verified` on its seller
    objects, a notification to the account, an audit entry."""
    user, company = await _target(session, user_id)
    if company is None:
        raise CompanyDetailsMissing()
    if user.verified_at is not None:
        raise AlreadyVerified()
    now = _now()
    await repository.set_verified(session, user.id, now)
    await audit.record(
        session,
        admin,
        "user.verify",
        "user",
        user.id,
        details={
            "legal_name": company.legal_name,
            "registration_number": company.registration_number,
            "vat_number": company.vat_number,
            "country": company.country,
        },
    )
    await notifications.notify(
        session,
        user.id,
        "account_verified",
        "Your company is verified",
        f"FabricLoop checked the details of {company.legal_name}: your listings now show the "
        "verified badge.",
        "/account/company",
    )
    await listings.seller_changed(session, cache, user.id)
    return company_out(company, now)


async def unverify(
    session: AsyncSession, cache: Cache, admin: User, user_id: uuid.UUID, reason: str | None
) -> CompanyOut:
    user, company = await _target(session, user_id)
    if user.verified_at is None or company is None:
        raise NotVerified()
    await repository.set_verified(session, user.id, None)
    await audit.record(session, admin, "user.unverify", "user", user.id, reason=reason)
    await listings.seller_changed(session, cache, user.id)
    return company_out(company, None)
