from fastapi import APIRouter

from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import InvalidSession
from fabricloop.companies import service
from fabricloop.companies.errors import CompanyNotFound
from fabricloop.companies.schemas import CompanyIn, CompanyOut
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache
from fabricloop.core.errors import Unprocessable, responses

router = APIRouter(prefix="/api/account", tags=["account"])


@router.get("/company", responses=responses(InvalidSession, CompanyNotFound))
async def get_company(user: CurrentUser, session: DbSession) -> CompanyOut:
    """Your company details and whether the operator has verified them."""
    return await service.get_company(session, user)


@router.put(
    "/company",
    responses=responses(InvalidSession, Unprocessable),
    description="Creates or replaces the details (every field is sent each time). The VAT "
    "number must match the country's format, else 422 on `vat_number`. Changing the legal "
    "name, registration number, VAT number or country of a verified account ends its "
    "verification: the operator checks the new details again.",
)
async def put_company(
    data: CompanyIn, user: CurrentUser, session: DbSession, cache: AppCache
) -> CompanyOut:
    """Set your company details."""
    return await service.put_company(session, cache, user, data)
