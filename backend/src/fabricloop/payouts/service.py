"""Payouts: sellers' connected accounts, and the transfer of each completed order's seller
share to them (Stripe Connect, separate charges and transfers). A share stays held while the
order is not completed, while a dispute on it is open, and while the seller has no enabled
account; it is paid once all three are over. A refund after the payout reverses that much of
the transfer."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.pagination import Page
from fabricloop.disputes import service as disputes
from fabricloop.ledger import service as ledger
from fabricloop.payments import gateway as gateways
from fabricloop.payments.errors import GatewayDown
from fabricloop.payments.sandbox import SandboxGateway
from fabricloop.payouts import repository
from fabricloop.payouts.errors import AccountAlreadyEnabled, NoAccount, NotASeller, SandboxOnly
from fabricloop.payouts.models import ConnectedAccount, Payout
from fabricloop.transactions import service as transactions
from fabricloop.transactions.models import Transaction

log = structlog.get_logger(__name__)

ZERO = Decimal(0)
BATCH = 200


def _now() -> datetime:
    return datetime.now(UTC)


def _seller(user: User) -> None:
    if user.role != "manufacturer":
        raise NotASeller()


def _status(account: ConnectedAccount | None) -> tuple[str, bool]:
    if account is None:
        return "not_started", False
    return account.status, account.payouts_enabled


async def get_account(session: AsyncSession, user: User) -> tuple[str, bool]:
    _seller(user)
    return _status(await repository.get_account(session, user.id))


async def start_account(
    session: AsyncSession, settings: Settings, gateway: gateways.PaymentGateway, user: User
) -> tuple[str, str]:
    """A connected account for the seller (once), and a fresh onboarding link to it."""
    _seller(user)
    account = await repository.get_account(session, user.id, lock=True)
    if account is not None and account.payouts_enabled:
        raise AccountAlreadyEnabled()
    try:
        if account is None:
            reference = await gateway.create_account(
                user.id, user.email, f"fabricloop-account-{user.id}"
            )
            account = ConnectedAccount(
                user_id=user.id, gateway=gateway.name, reference=reference, status="pending"
            )
            await repository.add(session, account)
        base = settings.public_base_url.rstrip("/")
        url = await gateway.account_link(
            account.reference, f"{base}/payouts?onboarding=refresh", f"{base}/payouts"
        )
    except gateways.GatewayUnavailable as error:
        log.warning("payouts: gateway unavailable", error=str(error))
        raise GatewayDown("The payment provider is unavailable; try again.") from error
    return account.status, url


async def complete_sandbox_onboarding(
    session: AsyncSession, gateway: gateways.PaymentGateway, user: User
) -> tuple[str, bool]:
    """The sandbox's stand-in for Stripe's hosted onboarding."""
    if not isinstance(gateway, SandboxGateway):
        raise SandboxOnly()
    _seller(user)
    account = await repository.get_account(session, user.id, lock=True)
    if account is None:
        raise NoAccount()
    state = gateway.complete_onboarding(account.reference)
    await _update(session, gateway, account, state)
    return _status(account)


async def account_updated(
    session: AsyncSession, gateway: gateways.PaymentGateway, state: gateways.AccountState
) -> None:
    """Stripe's `account.updated`: the account's state as the gateway has it now."""
    account = await repository.find_account(session, state.reference)
    if account is None:
        log.warning("account.updated for an unknown account", reference=state.reference)
        return
    await _update(session, gateway, account, state)


async def _update(
    session: AsyncSession,
    gateway: gateways.PaymentGateway,
    account: ConnectedAccount,
    state: gateways.AccountState,
) -> None:
    was_enabled = account.payouts_enabled
    account.payouts_enabled = state.payouts_enabled
    if state.payouts_enabled:
        account.status = "enabled"
    elif state.details_submitted or was_enabled:
        account.status = "restricted"
    else:
        account.status = "pending"
    account.updated_at = _now()
    await repository.flush(session)
    if state.payouts_enabled and not was_enabled:
        # The balance held while the seller had no account is paid now.
        await pay_awaiting(session, gateway, account.user_id)


async def release(
    session: AsyncSession, gateway: gateways.PaymentGateway, transaction: Transaction
) -> None:
    """Pay a locked completed order's seller share, unless a dispute holds it or the seller
    has no enabled account (it stays held). A gateway outage leaves it scheduled: the
    periodic job retries it with the same idempotency key."""
    if transaction.status != "completed" or transaction.payout_status not in ("held", "scheduled"):
        return
    if await disputes.has_open(session, transaction.id):
        return
    amount = transactions.seller_payout(transaction) or ZERO
    if amount <= ZERO:
        transactions.set_payout_status(transaction, "none")
        return
    account = await repository.get_account(session, transaction.seller_id)
    if account is None or not account.payouts_enabled:
        transactions.set_payout_status(transaction, "held")
        return
    request = gateways.TransferRequest(
        transaction_id=transaction.id,
        account_reference=account.reference,
        amount=amount,
        currency=transaction.currency,
        idempotency_key=f"fabricloop-transfer-{transaction.id}",
    )
    try:
        reference = await gateway.transfer(request)
    except gateways.GatewayUnavailable as error:
        log.warning(
            "payout: transfer failed, will retry",
            transaction_id=str(transaction.id),
            error=str(error),
        )
        transactions.set_payout_status(transaction, "scheduled")
        return
    await repository.add(
        session,
        Payout(
            transaction_id=transaction.id,
            seller_id=transaction.seller_id,
            amount=amount,
            currency=transaction.currency,
            reference=reference,
        ),
    )
    transactions.set_payout_status(transaction, "paid")
    await ledger.record(session, transaction, ("transfer", amount, reference))


transactions.on_completion(release)


async def reverse_after_refund(
    session: AsyncSession,
    gateway: gateways.PaymentGateway,
    transaction: Transaction,
    amount: Decimal,
    refund_reference: str | None,
) -> str:
    """After a refund of a paid-out order, take back `amount` of the transfer; returns the
    order's payout status."""
    payout = await repository.payout_of(session, transaction.id)
    if payout is None or amount <= ZERO:
        return transaction.payout_status
    request = gateways.TransferReversalRequest(
        transfer_reference=payout.reference,
        amount=amount,
        currency=transaction.currency,
        idempotency_key=f"fabricloop-reversal-{transaction.id}-{refund_reference}",
    )
    try:
        reference = await gateway.reverse_transfer(request)
    except gateways.GatewayUnavailable as error:
        raise GatewayDown("The payment provider is unavailable; nothing was refunded.") from error
    payout.reversed_amount += amount
    payout.updated_at = _now()
    await ledger.record(session, transaction, ("transfer_reversal", amount, reference))
    return "reversed" if payout.reversed_amount == payout.amount else "paid"


async def pay_awaiting(
    session: AsyncSession, gateway: gateways.PaymentGateway, seller_id: uuid.UUID | None
) -> int:
    """Release every completed order still awaiting its payout (of one seller, or all)."""
    awaiting = await transactions.lock_awaiting_payout(session, seller_id, BATCH)
    for transaction in awaiting:
        await release(session, gateway, transaction)
    await repository.flush(session)
    return len(awaiting)


async def complete_overdue(
    session: AsyncSession,
    *,
    settings: Settings,
    gateway: gateways.PaymentGateway,
    now: datetime | None = None,
) -> int:
    """The periodic job: shipped orders the buyer neither confirmed nor disputed within
    AUTO_COMPLETE_DAYS complete, and their payouts are released; scheduled payouts whose
    transfer failed are retried."""
    cutoff = (now or _now()) - timedelta(days=settings.auto_complete_days)
    done = 0
    for transaction in await transactions.lock_shipped_before(session, cutoff, BATCH):
        if await disputes.has_open(session, transaction.id):
            continue
        await transactions.complete(session, transaction)
        await release(session, gateway, transaction)
        done += 1
    return done + await pay_awaiting(session, gateway, None)


@dataclass(frozen=True)
class PayoutBalance:
    currency: str
    held: Decimal
    scheduled: Decimal
    paid: Decimal


async def list_payouts(
    session: AsyncSession, user: User, page: Page
) -> tuple[list[Payout], int, list[PayoutBalance]]:
    _seller(user)
    payouts, total = await repository.list_payouts(session, user.id, page.offset, page.limit)
    sums: dict[str, dict[str, Decimal]] = {}
    for currency, status, amount in await transactions.payout_balances(session, user.id):
        sums.setdefault(currency, {})[status] = amount
    for currency, amount in (await repository.paid_by_currency(session, user.id)).items():
        sums.setdefault(currency, {})["paid"] = amount
    balances = [
        PayoutBalance(
            currency,
            held=values.get("held", ZERO),
            scheduled=values.get("scheduled", ZERO),
            paid=values.get("paid", ZERO),
        )
        for currency, values in sorted(sums.items())
    ]
    return payouts, total, balances
