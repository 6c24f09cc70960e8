import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from fabricloop.admin import service
from fabricloop.admin.errors import (
    AlreadySuspended,
    CannotSuspendSelf,
    NotSuspended,
    TransactionNotFound,
    UserNotFound,
)
from fabricloop.admin.repository import UserFilter
from fabricloop.admin.schemas import (
    AccountRole,
    AdminUserDetail,
    AdminUserList,
    LedgerOut,
    PlatformStats,
    UserModerated,
)
from fabricloop.audit.schemas import OptionalReasonIn, ReasonIn
from fabricloop.auth.deps import ADMIN_ONLY, AdminUser
from fabricloop.auth.errors import ADMIN_ERRORS
from fabricloop.companies import service as companies
from fabricloop.companies.errors import AlreadyVerified, CompanyDetailsMissing, NotVerified
from fabricloop.companies.schemas import CompanyOut
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache
from fabricloop.core.errors import InvalidQuery, NotFound, Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.reports.errors import InvalidDateRange

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=ADMIN_ONLY)


@router.get(
    "/users",
    responses=responses(*ADMIN_ERRORS, InvalidQuery),
    description="Accounts, newest first. `q` matches email, company name or legal name "
    "(case-insensitive, anywhere); the other filters are exact.",
)
async def list_users(
    session: DbSession,
    page: Pagination,
    q: Annotated[str | None, Query(max_length=200)] = None,
    role: AccountRole | None = None,
    verified: bool | None = None,
    suspended: bool | None = None,
    has_company_details: bool | None = None,
) -> AdminUserList:
    """Accounts, for the operator."""
    where = UserFilter(q or None, role, verified, suspended, has_company_details)
    return await service.list_users(session, page, where)


@router.get("/users/{user_id}", responses=responses(*ADMIN_ERRORS, UserNotFound))
async def get_user(user_id: uuid.UUID, session: DbSession) -> AdminUserDetail:
    """One account with its company details, suspension and activity counts."""
    return await service.user_detail(session, user_id)


@router.post(
    "/users/{user_id}/verify",
    responses=responses(*ADMIN_ERRORS, NotFound, CompanyDetailsMissing, AlreadyVerified),
    description="Vouch for the account's company details: its seller objects show "
    "`verified: true` at once (caches included) and it is notified. 409 "
    "`company_details_missing` without details, `already_verified`.",
)
async def verify_user(
    user_id: uuid.UUID, admin: AdminUser, session: DbSession, cache: AppCache
) -> CompanyOut:
    """Verify an account's company."""
    return await companies.verify(session, cache, admin, user_id)


@router.post(
    "/users/{user_id}/unverify",
    responses=responses(*ADMIN_ERRORS, NotFound, NotVerified, Unprocessable),
)
async def unverify_user(
    user_id: uuid.UUID,
    admin: AdminUser,
    session: DbSession,
    cache: AppCache,
    data: OptionalReasonIn | None = None,
) -> CompanyOut:
    """Withdraw the verification (409 `not_verified` if there is none)."""
    return await companies.unverify(session, cache, admin, user_id, data.reason if data else None)


@router.post(
    "/users/{user_id}/suspend",
    responses=responses(
        *ADMIN_ERRORS, UserNotFound, CannotSuspendSelf, AlreadySuspended, Unprocessable
    ),
    description="At once: sign-in answers 403 `account_suspended`, every access and refresh "
    "token of the account stops working (401), and its listings leave search and the caches "
    "(status `hidden`, 404 to others). Your own account: 409 `cannot_suspend_self`.",
)
async def suspend_user(
    user_id: uuid.UUID,
    data: ReasonIn,
    admin: AdminUser,
    session: DbSession,
    cache: AppCache,
) -> UserModerated:
    """Suspend an account."""
    return await service.suspend(session, cache, admin, user_id, data.reason)


@router.post(
    "/users/{user_id}/unsuspend",
    responses=responses(*ADMIN_ERRORS, UserNotFound, NotSuspended, Unprocessable),
    description="Sign-in works again; the listings return to their status, except those the "
    "operator hid on their own. 409 `not_suspended`.",
)
async def unsuspend_user(
    user_id: uuid.UUID,
    admin: AdminUser,
    session: DbSession,
    cache: AppCache,
    data: OptionalReasonIn | None = None,
) -> UserModerated:
    """Lift a suspension."""
    return await service.unsuspend(session, cache, admin, user_id, data.reason if data else None)


@router.get(
    "/stats",
    responses=responses(*ADMIN_ERRORS, InvalidDateRange),
    description="The platform over a range of inclusive UTC dates (default: the last 12 "
    "months; at most 5 years; malformed or reversed: 400 `invalid_date_range`). Money: the "
    "orders paid in the range, per currency (never converted). Orders by status: those placed "
    "in the range. Impact: the paid purchases' emissions and water avoided versus virgin "
    "material, as the sustainability reports count them.",
)
async def get_stats(
    session: DbSession,
    start_date: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive.")] = None,
    end_date: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive.")] = None,
) -> PlatformStats:
    """Platform statistics."""
    return await service.stats(session, start_date, end_date)


@router.get(
    "/ledger",
    responses=responses(*ADMIN_ERRORS, TransactionNotFound, InvalidQuery),
    description="The order's ledger entries in the order written (`charge`, `fee`, `refund`, "
    "`transfer`, `transfer_reversal`), their sums, and whether they agree with the order "
    "(charges - refunds = fees + transfers + held).",
)
async def get_ledger(transaction_id: uuid.UUID, session: DbSession) -> LedgerOut:
    """An order's ledger."""
    return await service.ledger_of(session, transaction_id)
