"""Paying a transaction through the gateway, with Idempotency-Key semantics, and reading
payments as a party."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.db import Companion, after_commit
from fabricloop.core.errors import AppError, ServiceUnavailable, error_body, field_error
from fabricloop.core.metrics import record_payment
from fabricloop.invoices import service as invoices
from fabricloop.ledger import service as ledger
from fabricloop.payments import repository
from fabricloop.payments.errors import (
    AlreadyPaid,
    GatewayDown,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    NotPayable,
    PaymentDeclined,
    PaymentNotFound,
    ReplayedFailure,
)
from fabricloop.payments.gateway import (
    ChargeRequest,
    ChargeResult,
    GatewayUnavailable,
    InvalidPaymentMethod,
    PaymentGateway,
    UnchargeableAmount,
)
from fabricloop.payments.models import Payment
from fabricloop.payments.sandbox import SandboxGateway
from fabricloop.payments.schemas import PaymentCreate, PaymentOut, PaymentPending
from fabricloop.transactions import service as transactions
from fabricloop.transactions.errors import TransactionNotFound
from fabricloop.transactions.models import Transaction

log = structlog.get_logger(__name__)

PAID_STATUSES = ("paid", "shipped", "completed")
EXPIRY_BATCH = 200


@dataclass(frozen=True)
class Outcome:
    """A payment's answer (and the one replayed for the same Idempotency-Key): `pending` when
    the payment awaits the buyer's action or the bank, else it succeeded."""

    body: dict[str, Any]
    pending: bool


# The idempotency record keeps the response as it was sent (`IdempotencyKey.response_status`),
# a failure's status included, so a replay answers exactly the same.
_STORED_STATUS = {False: 201, True: 202}


def _now() -> datetime:
    return datetime.now(UTC)


def fingerprint(data: PaymentCreate) -> str:
    canonical = orjson.dumps(data.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(b"POST /api/payments\n" + canonical).hexdigest()


def count_after_commit(session: AsyncSession, outcome: str) -> None:
    async def record() -> None:
        record_payment(outcome)

    after_commit(session, record)


@dataclass(frozen=True)
class _Key:
    """A request's Idempotency-Key: what it replays is stored with the request's writes."""

    user_id: uuid.UUID
    key: str
    request_hash: str
    ttl: timedelta

    def answer(self, status: int, body: dict[str, Any]) -> repository.KeyAnswer:
        now = _now()
        return repository.KeyAnswer(
            self.user_id, self.key, self.request_hash, status, body, now, now + self.ttl
        )


async def create_payment(
    session: AsyncSession,
    settings: Settings,
    cache: Cache,
    gateway: PaymentGateway,
    user: User,
    data: PaymentCreate,
    idempotency_key: str | None,
) -> Outcome:
    now = _now()
    key = None
    if idempotency_key is not None:
        if not await repository.try_lock_idempotency_key(session, user.id, idempotency_key):
            raise IdempotencyKeyInUse()
        ttl = timedelta(hours=settings.idempotency_ttl_hours)
        key = _Key(user.id, idempotency_key, fingerprint(data), ttl)
    try:
        locked = await _lock(session, user, data, key, now)
        if isinstance(locked, Outcome):
            return locked
        outcome, succeeded = await _pay(session, settings, cache, gateway, user, data, key, locked)
    except (PaymentDeclined, IdempotencyKeyReused, IdempotencyKeyInUse, ReplayedFailure):
        raise  # a decline's answer is stored with its payment; the others are the key's own
    except AppError as error:
        # Remembered like a success (a decline above all), except a gateway outage: nothing
        # happened, and a retry with the same key should try again.
        if key is None or isinstance(error, ServiceUnavailable):
            raise
        await repository.save_idempotency_key(session, key.answer(error.status, _body_of(error)))
        error.commit_changes = True
        raise
    if succeeded is not None:
        await _settle_new(session, settings, succeeded)
    return outcome


async def _lock(
    session: AsyncSession, user: User, data: PaymentCreate, key: _Key | None, now: datetime
) -> tuple[Transaction, int] | Outcome:
    """The buyer's order, locked until commit (of two concurrent payments of it the second
    sees the first's result), and its payment attempts so far; or the answer stored for the
    request's key. The key's answer is read once the order is locked, in the statement that
    counts the attempts (its lock is held already: what it reads is final)."""
    try:
        transaction = await transactions.lock_for_payment(session, user, data.transaction_id)
    except TransactionNotFound:
        # A stored answer comes first, as for an order of the buyer's.
        if key is not None:
            stored = await repository.get_idempotency_key(session, user.id, key.key, now)
            if (replay := _replayed(stored, key.request_hash)) is not None:
                return replay
        raise
    if key is None:
        return transaction, await repository.count_attempts(session, transaction.id)
    attempts, stored = await repository.attempts_and_stored(
        session, transaction.id, user.id, key.key, now
    )
    if (replay := _replayed(stored, key.request_hash)) is not None:
        return replay
    return transaction, attempts


def _replayed(stored: repository.StoredKey | None, request_hash: str) -> Outcome | None:
    """The answer stored for a key, if any, to give again (a failure raised as it was)."""
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise IdempotencyKeyReused()
    if stored.response_status is None or stored.response_body is None:
        raise IdempotencyKeyInUse()
    if stored.response_status not in _STORED_STATUS.values():
        raise ReplayedFailure(stored.response_status, stored.response_body)
    return Outcome(stored.response_body, pending=stored.response_status == _STORED_STATUS[True])


async def _charge(
    gateway: PaymentGateway, transaction: Transaction, payment_method: str, attempt: int
) -> ChargeResult:
    request = ChargeRequest(
        transaction_id=transaction.id,
        amount=transaction.total,
        currency=transaction.currency,
        payment_method=payment_method,
        # Derived from the transaction and the attempt: a retry after a lost answer charges
        # nothing twice, a new attempt after a decline is a new charge.
        idempotency_key=f"fabricloop-{transaction.id}-{attempt}",
        description=f"FabricLoop order {transaction.id}",
    )
    try:
        return await gateway.charge(request)
    except InvalidPaymentMethod as error:
        raise field_error("payment_method", str(error)) from error
    except UnchargeableAmount as error:
        raise field_error("transaction_id", str(error)) from error
    except GatewayUnavailable as error:
        log.warning("payment gateway unavailable", gateway=gateway.name, error=str(error))
        record_payment("error")
        raise GatewayDown() from error


async def settle(
    session: AsyncSession,
    settings: Settings,
    transaction: Transaction,
    payment: Payment,
    recorded: tuple[Companion, ...] = (),
) -> bool:
    """A successful payment makes its locked order paid: the platform's commission and the
    charge go into the ledger, the seller's share is held, and the invoice is issued once this
    commits. False when the order is no longer pending (the caller gives the money back).
    `recorded`: the payment's own writes (`repository.recording`), made by the same statement
    when it is paid, and only then."""
    fee = ledger.platform_fee(transaction.total, settings.platform_fee_percent)
    # The charge and the commission go into the ledger in the statement that makes it paid.
    entries = ledger.recording(
        transaction, ("charge", transaction.total, payment.gateway_reference), ("fee", fee, None)
    )
    companions = recorded if entries is None else (*recorded, entries)
    if not await transactions.mark_paid(session, transaction, fee, companions):
        return False
    invoices.invoice_once_committed(session, transaction)
    return True


async def close_open_intents(
    session: AsyncSession, settings: Settings, gateway: PaymentGateway, transaction: Transaction
) -> bool:
    """Before a locked pending order is cancelled: cancel its PaymentIntents still open at the
    gateway. One that succeeded meanwhile is applied instead, and the order is paid: True.
    GatewayUnavailable propagates (the order must not be cancelled while it may be charged)."""
    paid = False
    for payment in await repository.open_payments(session, transaction.id):
        assert payment.gateway_reference is not None
        result = await gateway.cancel_intent(payment.gateway_reference)
        if result.status == "succeeded" and not paid:
            payment.status, payment.decline_code, payment.failure_message = "succeeded", None, None
            await repository.save_payment(session, payment)
            paid = await settle(session, settings, transaction, payment)
        elif result.status == "failed":
            payment.status = "failed"
            payment.decline_code = (result.decline_code or "payment_intent_canceled")[:100]
            payment.failure_message = (result.message or "The payment was cancelled.")[:500]
            await repository.save_payment(session, payment)
    return paid


async def expire_unpaid(
    session: AsyncSession,
    *,
    cache: Cache,
    settings: Settings,
    gateway: PaymentGateway,
    now: datetime | None = None,
) -> int:
    """The periodic job: unpaid orders past their expiry are cancelled and their stock
    released, after their open PaymentIntents are cancelled at the gateway; an order whose
    intent turns out to have succeeded is paid instead. When the gateway can't be asked, the
    order waits for the next run."""
    now = now or _now()
    done = 0
    overdue = await transactions.lock_overdue(session, now, EXPIRY_BATCH)
    # Materials in a fixed order, so two runs can't deadlock on each other's listings.
    for transaction in sorted(overdue, key=lambda t: (str(t.material_id), str(t.id))):
        try:
            if await close_open_intents(session, settings, gateway, transaction):
                continue
        except GatewayUnavailable as error:
            log.warning(
                "expiry: gateway unavailable, order left pending",
                transaction_id=str(transaction.id),
                error=str(error),
            )
            continue
        await transactions.expire(session, cache, transaction)
        done += 1
    return done


async def record_event(
    session: AsyncSession, event_id: str, event_type: str, payload: dict[str, Any]
) -> bool:
    """Store a gateway event; False when its id was stored before (a duplicate delivery)."""
    return await repository.record_event(session, event_id, event_type, payload)


async def find_by_reference(
    session: AsyncSession, reference: str, *, lock: bool = False
) -> Payment | None:
    return await repository.find_by_reference(session, reference, lock=lock)


async def has_success(session: AsyncSession, transaction_id: uuid.UUID) -> bool:
    return await repository.has_success(session, transaction_id)


async def save_payment(session: AsyncSession, payment: Payment) -> None:
    await repository.save_payment(session, payment)


async def refresh_payment(session: AsyncSession, payment: Payment) -> Payment:
    return await repository.refresh_payment(session, payment)


async def succeeded_payment(session: AsyncSession, transaction_id: uuid.UUID) -> Payment | None:
    """The order's successful payment, if any (never more than one)."""
    return await repository.succeeded_payment(session, transaction_id)


@dataclass(frozen=True)
class _Succeeded:
    """A new successful payment, not stored yet, and its order to make paid."""

    transaction: Transaction
    payment: Payment
    answer: repository.KeyAnswer | None


async def _settle_new(session: AsyncSession, settings: Settings, new: _Succeeded) -> None:
    """A new successful payment stored, and its order made paid, in one statement: the
    payment's row and its key's answer ride in the order's UPDATE. The order is locked and was
    pending, so it is paid; were it not, the payment is stored all the same."""
    recorded = repository.recording(new.payment, new.answer)
    if not await settle(session, settings, new.transaction, new.payment, recorded):
        log.error("a locked pending order was not paid", transaction_id=str(new.transaction.id))
        await repository.add_payment(session, new.payment, new.answer)


async def _pay(
    session: AsyncSession,
    settings: Settings,
    cache: Cache,
    gateway: PaymentGateway,
    user: User,
    data: PaymentCreate,
    key: _Key | None,
    locked: tuple[Transaction, int],
) -> tuple[Outcome, _Succeeded | None]:
    """The payment's answer (stored for `key` with the payment, in one statement) of the
    locked order, given its attempts so far; and when it succeeded, what the caller settles
    (in this database transaction, writing the payment then)."""
    transaction, attempts = locked
    if transaction.status in PAID_STATUSES:
        raise AlreadyPaid()
    if transaction.status != "pending":
        raise NotPayable(f"A {transaction.status} transaction cannot be paid.")
    if transaction.expires_at <= _now():
        try:
            if await close_open_intents(session, settings, gateway, transaction):
                raise AlreadyPaid(commit_changes=True)
        except GatewayUnavailable as error:
            raise GatewayDown() from error
        await transactions.expire(session, cache, transaction)
        raise NotPayable("The order expired unpaid and was cancelled.", commit_changes=True)
    result = await _charge(gateway, transaction, data.payment_method, attempts + 1)
    status, decline_code, message = result.status, result.decline_code, result.message
    if status == "succeeded" and (
        result.amount != transaction.total or result.currency != transaction.currency
    ):
        log.error(
            "gateway amount differs from the order: needs a refund",
            transaction_id=str(transaction.id),
            reference=result.reference,
            charged=f"{result.amount} {result.currency}",
            expected=f"{transaction.total} {transaction.currency}",
        )
        status, decline_code = "failed", "amount_mismatch"
        message = "The amount charged did not match the order; it will be refunded."
    failed = status == "failed"
    given = Payment(
        id=uuid.uuid4(),
        transaction_id=transaction.id,
        payer_id=user.id,
        amount=transaction.total,
        currency=transaction.currency,
        status=status,
        gateway=gateway.name,
        gateway_reference=result.reference,
        payment_method=data.payment_method,
        decline_code=(decline_code or "generic_decline") if failed else None,
        failure_message=(message or PaymentDeclined.message)[:500] if failed else None,
    )
    fields = {
        "payment_id": given.id,
        "status": status,
        "transaction_id": transaction.id,
        "amount": transaction.total,
        "currency": transaction.currency,
    }
    # The answer, and what the key replays: a success or a pending payment as answered, a
    # decline as its error.
    declined = None
    if status == "succeeded":
        outcome = Outcome(PaymentOut.model_validate(fields).model_dump(mode="json"), False)
        replayed = (_STORED_STATUS[False], outcome.body)
    elif status in ("requires_action", "processing"):
        challenge = (
            gateway.challenge_url(given.id)
            if status == "requires_action" and isinstance(gateway, SandboxGateway)
            else None
        )
        pending = PaymentPending.model_validate(
            {**fields, "client_secret": result.client_secret, "next_action_url": challenge}
        )
        outcome = Outcome(pending.model_dump(mode="json"), pending=True)
        replayed = (_STORED_STATUS[True], outcome.body)
    else:
        declined = PaymentDeclined(
            message or PaymentDeclined.message,
            extra={"decline_code": decline_code or "generic_decline", "payment_id": str(given.id)},
            commit_changes=True,
        )
        replayed = (declined.status, _body_of(declined))
    answer = None if key is None else key.answer(*replayed)
    count_after_commit(session, status)
    if status == "succeeded":
        return outcome, _Succeeded(transaction, given, answer)
    await repository.add_payment(session, given, answer)
    if declined is not None:
        raise declined
    return outcome, None


def _body_of(error: AppError) -> dict[str, Any]:
    return error_body(error.code, error.message, error.details, error.extra)


async def lock_for_authentication(
    session: AsyncSession, user: User, payment_id: uuid.UUID
) -> tuple[Transaction, Payment]:
    """The buyer's payment and its order, both locked (the order first, as payments do)."""
    found = await repository.get_payment(session, payment_id)
    if found is None:
        raise PaymentNotFound()
    try:
        transaction = await transactions.lock_for_payment(session, user, found.transaction_id)
    except TransactionNotFound as error:
        raise PaymentNotFound() from error
    payment = await repository.find_by_reference(session, found.gateway_reference or "", lock=True)
    return transaction, payment or found


async def get_payment(session: AsyncSession, user: User, payment_id: uuid.UUID) -> Payment:
    payment = await repository.get_payment(session, payment_id)
    if payment is None:
        raise PaymentNotFound()
    try:
        await transactions.get_transaction(session, user, payment.transaction_id)
    except TransactionNotFound as error:
        raise PaymentNotFound() from error
    return payment


async def purge_idempotency_keys(session: AsyncSession) -> int:
    """Forget Idempotency-Keys past their retention (at least 24 hours)."""
    return await repository.purge_idempotency_keys(session, _now())
