from fastapi import APIRouter, Request, status

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppSettings
from fabricloop.core.errors import InvalidQuery, Unauthorized, responses
from fabricloop.core.pagination import Pagination
from fabricloop.payments.errors import GatewayDown
from fabricloop.payouts import service
from fabricloop.payouts.errors import AccountAlreadyEnabled, NoAccount, NotASeller, SandboxOnly
from fabricloop.payouts.schemas import (
    AccountOut,
    AccountStarted,
    Balance,
    PayoutList,
    PayoutOut,
)

router = APIRouter(prefix="/api/payouts", tags=["payouts"])


@router.post(
    "/account",
    status_code=status.HTTP_201_CREATED,
    responses=responses(Unauthorized, NotASeller, AccountAlreadyEnabled, GatewayDown),
    description="Creates your connected account at the payment provider once (Stripe Connect "
    "Express) and answers a fresh onboarding link each time it is called until payouts are "
    "enabled (409 `account_already_enabled` after). Brands: 403.",
)
async def start_payout_account(
    request: Request, user: CurrentUser, session: DbSession, settings: AppSettings
) -> AccountStarted:
    """Start (or continue) onboarding for payouts."""
    gateway = request.app.state.payment_gateway
    account_status, url = await service.start_account(session, settings, gateway, user)
    return AccountStarted(status=account_status, onboarding_url=url)


@router.get("/account", responses=responses(Unauthorized, NotASeller))
async def get_payout_account(user: CurrentUser, session: DbSession) -> AccountOut:
    """Your payout account's state."""
    account_status, enabled = await service.get_account(session, user)
    return AccountOut(status=account_status, payouts_enabled=enabled)


@router.post(
    "/account/sandbox/complete",
    responses=responses(Unauthorized, NotASeller, NoAccount, SandboxOnly),
    description="The sandbox gateway's stand-in for Stripe's hosted onboarding: payouts "
    "become enabled, and what was held for completed orders is paid out. 404 when the "
    "gateway is Stripe, or when no account was started.",
)
async def complete_sandbox_onboarding(
    request: Request, user: CurrentUser, session: DbSession
) -> AccountOut:
    """Complete onboarding (sandbox only)."""
    gateway = request.app.state.payment_gateway
    account_status, enabled = await service.complete_sandbox_onboarding(session, gateway, user)
    return AccountOut(status=account_status, payouts_enabled=enabled)


@router.get(
    "",
    responses=responses(Unauthorized, NotASeller, InvalidQuery),
    description="Your payouts, newest first, and your balances per currency: `held` (paid "
    "orders not completed yet, disputed, or completed while payouts were not enabled), "
    "`scheduled` (completed; the transfer is being retried), `paid` (transferred, less "
    "reversals).",
)
async def list_payouts(user: CurrentUser, session: DbSession, page: Pagination) -> PayoutList:
    """Your payouts and balances."""
    payouts, total, balances = await service.list_payouts(session, user, page)
    return PayoutList(
        payouts=[
            PayoutOut(
                payout_id=p.id,
                transaction_id=p.transaction_id,
                amount=p.amount - p.reversed_amount,
                currency=p.currency,
                status="reversed" if p.reversed_amount == p.amount else "paid",
                created_at=p.created_at,
            )
            for p in payouts
        ],
        balances=[
            Balance(currency=b.currency, held=b.held, scheduled=b.scheduled, paid=b.paid)
            for b in balances
        ],
        total=total,
        page=page.page,
        limit=page.limit,
    )
