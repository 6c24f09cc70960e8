"""The operator's work on accounts (list, detail, suspension) and the platform's figures.
Verification lives with the company details (companies.service), moderation of listings in
moderation.service; each action is recorded in the audit log."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.admin import repository
from fabricloop.admin.errors import (
    AlreadySuspended,
    CannotSuspendSelf,
    NotSuspended,
    TransactionNotFound,
    UserNotFound,
)
from fabricloop.admin.repository import UserFilter
from fabricloop.admin.schemas import (
    AccountFigures,
    AdminUserDetail,
    AdminUserList,
    AdminUserSummary,
    CurrencyFigures,
    DisputeFigures,
    ImpactFigures,
    LedgerEntryOut,
    LedgerOut,
    PlatformStats,
    UserModerated,
)
from fabricloop.audit import service as audit
from fabricloop.auth import service as auth
from fabricloop.auth.models import User
from fabricloop.companies import service as companies
from fabricloop.core.cache import Cache
from fabricloop.core.pagination import Page
from fabricloop.core.vocabulary import ROLES, TRANSACTION_STATUSES
from fabricloop.ledger import service as ledger
from fabricloop.materials import moderation as listings
from fabricloop.reports import service as reports
from fabricloop.reports.dates import parse_range, utc_bounds
from fabricloop.transactions import service as transactions


def _summary(user: User, has_company: bool) -> AdminUserSummary:
    return AdminUserSummary(
        user_id=user.id,
        email=user.email,
        company_name=user.company_name,
        role=user.role,
        verified=user.verified_at is not None,
        suspended=user.suspended_at is not None,
        has_company_details=has_company,
        created_at=user.created_at,
    )


async def list_users(session: AsyncSession, page: Page, where: UserFilter) -> AdminUserList:
    rows, total = await repository.users(session, where, page.limit, page.offset)
    return AdminUserList(
        users=[_summary(user, has_company) for user, has_company in rows],
        total=total,
        page=page.page,
        limit=page.limit,
    )


async def user_detail(session: AsyncSession, user_id: uuid.UUID) -> AdminUserDetail:
    user = await repository.get_user(session, user_id)
    if user is None:
        raise UserNotFound()
    company = await companies.company_of(session, user.id)
    counts = await repository.user_counts(session, user.id)
    return AdminUserDetail(
        **_summary(user, company is not None).model_dump(),
        phone=user.phone,
        verified_at=user.verified_at,
        suspended_at=user.suspended_at,
        suspension_reason=user.suspension_reason,
        deleted_at=user.deleted_at,
        company=None if company is None else companies.company_out(company, user.verified_at),
        listings=counts.listings,
        orders_as_buyer=counts.orders_as_buyer,
        orders_as_seller=counts.orders_as_seller,
        open_reports=counts.open_reports,
    )


async def _locked(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await auth.lock_user(session, user_id)
    if user is None:
        raise UserNotFound()
    return user


async def suspend(
    session: AsyncSession, cache: Cache, admin: User, user_id: uuid.UUID, reason: str
) -> UserModerated:
    """No sign-in (403 `account_suspended`), every token ends now, every listing withheld
    (out of search and caches, 404 to others) until the unsuspension, and every unpaid order
    of the account, bought or sold, cancelled with its stock returned: no one pays for goods
    a suspended seller will not ship. Paid orders stay for the dispute and refund process."""
    if user_id == admin.id:
        raise CannotSuspendSelf()
    user = await _locked(session, user_id)
    if user.suspended_at is not None:
        raise AlreadySuspended()
    await auth.suspend(session, user, reason)
    changed = await listings.withhold_seller(session, cache, user.id)
    cancelled = await transactions.cancel_pending_of(session, cache, user.id)
    await audit.record(
        session,
        admin,
        "user.suspend",
        "user",
        user.id,
        reason=reason,
        details={"listings_withheld": changed, "orders_cancelled": cancelled},
    )
    return UserModerated(
        user_id=user.id,
        suspended=True,
        suspended_at=user.suspended_at,
        suspension_reason=user.suspension_reason,
        listings_changed=changed,
        orders_cancelled=cancelled,
    )


async def unsuspend(
    session: AsyncSession, cache: Cache, admin: User, user_id: uuid.UUID, reason: str | None
) -> UserModerated:
    """Sign-in works again (with new logins: the old tokens stay revoked); the listings
    return, except those the operator hid on their own."""
    user = await _locked(session, user_id)
    if user.suspended_at is None:
        raise NotSuspended()
    await auth.unsuspend(session, user)
    changed = await listings.release_seller(session, cache, user.id)
    await audit.record(
        session,
        admin,
        "user.unsuspend",
        "user",
        user.id,
        reason=reason,
        details={"listings_restored": changed},
    )
    return UserModerated(
        user_id=user.id,
        suspended=False,
        suspended_at=None,
        suspension_reason=None,
        listings_changed=changed,
    )


async def stats(
    session: AsyncSession, start_date: str | None, end_date: str | None
) -> PlatformStats:
    start, end = parse_range(start_date, end_date, datetime.now(UTC).date())
    lower, upper = utc_bounds(start, end)
    money = await repository.money_by_currency(session, lower, upper)
    statuses = await repository.orders_by_status(session, lower, upper)
    open_now, opened, resolved = await repository.dispute_counts(session, lower, upper)
    accounts = await repository.new_accounts(session, lower, upper)
    impact = await reports.platform_impact(session, start, end)
    return PlatformStats(
        start_date=start,
        end_date=end,
        by_currency=[
            CurrencyFigures(
                currency=currency, orders=count, gmv=gmv, refunded=refunded, platform_fees=fees
            )
            for currency, count, gmv, refunded, fees in money
        ],
        orders_by_status={s: statuses.get(s, 0) for s in TRANSACTION_STATUSES},
        disputes=DisputeFigures(open=open_now, opened=opened, resolved=resolved),
        new_accounts=AccountFigures(
            total=sum(accounts.values()), by_role={r: accounts.get(r, 0) for r in ROLES}
        ),
        impact=ImpactFigures(
            purchases=impact.purchases,
            quantity_kg=impact.quantity_kg,
            carbon_saved=impact.carbon_saved,
            water_saved=impact.water_saved,
        ),
    )


async def ledger_of(session: AsyncSession, transaction_id: uuid.UUID) -> LedgerOut:
    found = await ledger.statement(session, transaction_id)
    if found is None:
        raise TransactionNotFound()
    sums = found.balance
    return LedgerOut(
        transaction_id=transaction_id,
        entries=[
            LedgerEntryOut(
                entry_id=e.id,
                position=e.position,
                kind=e.kind,
                amount=e.amount,
                currency=e.currency,
                reference=e.reference,
                created_at=e.created_at,
            )
            for e in found.entries
        ],
        charges=sums.charges,
        refunds=sums.refunds,
        fees=sums.fees,
        transferred=sums.transferred,
        held=sums.held,
        consistent=not found.problems,
        problems=found.problems,
    )
