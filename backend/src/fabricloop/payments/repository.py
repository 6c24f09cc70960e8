import hashlib
import uuid
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import Companion, Direct, flush_pending, given_columns
from fabricloop.payments.models import IdempotencyKey, Payment, WebhookEvent

IDEMPOTENCY_LOCK_NAMESPACE = b"fabricloop:idempotency:"

# A payment runs these on every request: built once, sent through asyncpg itself
# (core.db.Direct: the ORM's execute, or a statement built per call, cost more CPU than the
# database's work).
_attempts = (
    select(func.count().label("attempts"))
    .select_from(Payment)
    .where(Payment.transaction_id == bindparam("transaction_id"))
)
_COUNT_ATTEMPTS = Direct(_attempts)


_payments = Payment.__table__.c
# The id is given too: a payment's answer names it, and is stored with it (below).
_GIVEN = ("id", *given_columns(cast("Table", Payment.__table__)))


def _payment_insert(prefix: str = "") -> Insert:
    """A payment's INSERT, its columns' parameters named `prefix` + column."""
    return insert(Payment).values(
        {name: bindparam(prefix + name, type_=_payments[name].type) for name in _GIVEN}
    )


_new_payment = _payment_insert().returning(*_payments)
_ADD_PAYMENT = Direct(_new_payment)
_TRY_LOCK = Direct(select(func.pg_try_advisory_xact_lock(bindparam("lock_id"))))
_keys = IdempotencyKey.__table__.c
# The user's key, if its answer is still live.
_live_key = and_(
    _keys.user_id == bindparam("user_id"),
    _keys.key == bindparam("key"),
    _keys.expires_at > bindparam("now"),
)
_stored_columns = (_keys.request_hash, _keys.response_status, _keys.response_body)
_STORED = Direct(select(*_stored_columns).where(_live_key))
_REPLACED = (
    "request_hash",
    "state",
    "response_status",
    "response_body",
    "created_at",
    "expires_at",
)
_KEY_GIVEN = ("user_id", "key", *_REPLACED)


def _key_saving(prefix: str = "") -> Insert:
    """A key's answer stored, its columns' parameters named `prefix` + column. An expired row
    of the same key is replaced; a live one can't exist (checked under lock)."""
    new = insert(IdempotencyKey).values(
        {name: bindparam(prefix + name, type_=_keys[name].type) for name in _KEY_GIVEN}
    )
    return new.on_conflict_do_update(
        index_elements=[_keys.user_id, _keys.key],
        set_={name: new.excluded[name] for name in _REPLACED},
    )


_key_saved = _key_saving()
_SAVE_KEY = Direct(_key_saved)
# A payment and the answer its key replays, in one statement (one round trip, not two); the
# two rows' parameters are their columns, and no column is in both.
assert not set(_GIVEN) & set(_KEY_GIVEN)
_ADD_PAYMENT_KEYED = Direct(
    select(_new_payment.cte("payment")).add_cte(_key_saved.cte("saved_key"))
)
# The same two rows written by another domain's statement (`recording`): a successful
# payment's, by the UPDATE that makes its order paid. Their parameters are named apart from
# that statement's and from each other's.
_PAYMENT_PREFIX, _KEY_PREFIX = "payment_", "answer_"
_PAYMENT_ALONGSIDE = _payment_insert(_PAYMENT_PREFIX).cte("payment_added")
_KEY_ALONGSIDE = _key_saving(_KEY_PREFIX).cte("answer_saved")

# The order's payment attempts so far and, in the same statement, the live answer stored for
# the request's key (none: NULLs): read once the order is locked.
_counted = _attempts.subquery("attempts")
_ATTEMPTS_AND_STORED = Direct(
    select(_counted.c.attempts, *_stored_columns).select_from(
        _counted.outerjoin(IdempotencyKey, _live_key)
    )
)


class StoredKey(NamedTuple):
    request_hash: str
    response_status: int | None
    response_body: dict[str, Any] | None


class KeyAnswer(NamedTuple):
    """What an Idempotency-Key replays: stored with the payment it answered."""

    user_id: uuid.UUID
    key: str
    request_hash: str
    status: int
    body: dict[str, Any]
    now: datetime
    expires_at: datetime


async def add_payment(
    session: AsyncSession, payment: Payment, answer: KeyAnswer | None = None
) -> Payment:
    """`payment` (its id given) stored with one INSERT ... RETURNING, and with `answer`, the
    response its request's key replays, in the same statement: the stored row, as the
    session's persistent object (with the server's timestamps; `payment` itself stays out of
    the session). The session's pending changes are written first, as a flush would."""
    await flush_pending(session)
    values = {name: getattr(payment, name) for name in _GIVEN}
    if answer is None:
        stored = await _ADD_PAYMENT.load(session, Payment, values)
    else:
        values |= _key_values(answer)
        stored = await _ADD_PAYMENT_KEYED.load(session, Payment, values)
    assert stored is not None  # an INSERT ... RETURNING returns its row
    return stored


def recording(payment: Payment, answer: KeyAnswer | None = None) -> tuple[Companion, ...]:
    """`payment` (its id given) and `answer`, the response its request's key replays, as
    `add_payment` stores them, to be written by another domain's statement: nothing read
    back."""
    written = Companion(
        _PAYMENT_ALONGSIDE,
        {_PAYMENT_PREFIX + name: getattr(payment, name) for name in _GIVEN},
    )
    if answer is None:
        return (written,)
    values = _key_values(answer)
    return written, Companion(_KEY_ALONGSIDE, {_KEY_PREFIX + k: v for k, v in values.items()})


def _key_values(answer: KeyAnswer) -> dict[str, Any]:
    return {
        "user_id": answer.user_id,
        "key": answer.key,
        "request_hash": answer.request_hash,
        "state": "completed",
        "response_status": answer.status,
        "response_body": answer.body,
        "created_at": answer.now,
        "expires_at": answer.expires_at,
    }


async def get_payment(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    return await session.get(Payment, payment_id)


async def count_attempts(session: AsyncSession, transaction_id: uuid.UUID) -> int:
    row = await _COUNT_ATTEMPTS.first(session, {"transaction_id": transaction_id})
    assert row is not None  # a count always has its row
    return int(row[0])


async def attempts_and_stored(
    session: AsyncSession, transaction_id: uuid.UUID, user_id: uuid.UUID, key: str, now: datetime
) -> tuple[int, StoredKey | None]:
    """The order's payment attempts so far, and the live answer stored for the user's key if
    there is one: one statement."""
    params = {"transaction_id": transaction_id, "user_id": user_id, "key": key, "now": now}
    row = await _ATTEMPTS_AND_STORED.first(session, params)
    assert row is not None  # a count always has its row
    stored = None if row[1] is None else StoredKey(row[1], row[2], row[3])
    return int(row[0]), stored


async def has_success(session: AsyncSession, transaction_id: uuid.UUID) -> bool:
    query = select(Payment.id).where(
        Payment.transaction_id == transaction_id, Payment.status == "succeeded"
    )
    return (await session.execute(query)).first() is not None


async def succeeded_payment(session: AsyncSession, transaction_id: uuid.UUID) -> Payment | None:
    query = select(Payment).where(
        Payment.transaction_id == transaction_id, Payment.status == "succeeded"
    )
    return (await session.execute(query)).scalar_one_or_none()


async def open_payments(session: AsyncSession, transaction_id: uuid.UUID) -> list[Payment]:
    """Attempts the gateway may still complete (3-D Secure pending, processing), locked."""
    result = await session.execute(
        select(Payment)
        .where(
            Payment.transaction_id == transaction_id,
            Payment.status.in_(("requires_action", "processing")),
            Payment.gateway_reference.is_not(None),
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def find_by_reference(
    session: AsyncSession, reference: str, *, lock: bool = False
) -> Payment | None:
    query = select(Payment).where(Payment.gateway_reference == reference)
    if lock:
        query = query.with_for_update()
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def try_lock_idempotency_key(session: AsyncSession, user_id: uuid.UUID, key: str) -> bool:
    """A lock on (user, key) held until this database transaction ends: a second request with
    the key while the first is running fails to take it. A crashed request's lock dies with
    its connection, so a key is never stuck."""
    digest = hashlib.sha256(IDEMPOTENCY_LOCK_NAMESPACE + f"{user_id}:{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    row = await _TRY_LOCK.first(session, {"lock_id": lock_id})
    return row is not None and bool(row[0])


async def get_idempotency_key(
    session: AsyncSession, user_id: uuid.UUID, key: str, now: datetime
) -> StoredKey | None:
    """The live key's request_hash, response_status and response_body, if it is stored."""
    row = await _STORED.first(session, {"user_id": user_id, "key": key, "now": now})
    return None if row is None else StoredKey(*row)


async def save_idempotency_key(session: AsyncSession, answer: KeyAnswer) -> None:
    """The response a key replays, for a request that stored no payment."""
    await _SAVE_KEY.fetch(session, _key_values(answer))


async def purge_idempotency_keys(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now).returning(IdempotencyKey.id)
    )
    return len(result.all())


async def record_event(
    session: AsyncSession, event_id: str, event_type: str, payload: dict[str, Any]
) -> bool:
    """Store the event; False when its id was stored before (a duplicate delivery)."""
    statement = (
        insert(WebhookEvent)
        .values(id=event_id, type=event_type, payload=payload)
        .on_conflict_do_nothing(index_elements=[WebhookEvent.id])
        .returning(WebhookEvent.id)
    )
    return (await session.execute(statement)).first() is not None


async def save_payment(session: AsyncSession, payment: Payment) -> None:
    """Insert a new payment, or write the changes of a loaded one, now."""
    session.add(payment)
    await session.flush()


async def refresh_payment(session: AsyncSession, payment: Payment) -> Payment:
    """The row as stored now (its server-set timestamps included)."""
    await session.refresh(payment)
    return payment
