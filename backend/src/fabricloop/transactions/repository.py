import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    bindparam,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state

from fabricloop.auth.models import User
from fabricloop.core.db import (
    Clauses,
    Companion,
    Direct,
    companion_params,
    flush_pending,
    loaded,
    with_companions,
)
from fabricloop.materials.models import Material
from fabricloop.materials.stock import Reservation
from fabricloop.transactions.models import OPEN_SAMPLE, Transaction

Buyer = aliased(User, name="buyer")
Seller = aliased(User, name="seller")


@dataclass(frozen=True)
class TransactionView:
    transaction: Transaction
    material_title: str
    buyer_company: str
    seller_company: str
    buyer_verified: bool
    seller_verified: bool


def _view_query() -> Select[Transaction, str, str, str, bool, bool]:
    return (
        select(
            Transaction,
            Material.title,
            Buyer.company_name,
            Seller.company_name,
            Buyer.verified_at.is_not(None),
            Seller.verified_at.is_not(None),
        )
        .join(Material, Material.id == Transaction.material_id)
        .join(Buyer, Buyer.id == Transaction.buyer_id)
        .join(Seller, Seller.id == Transaction.seller_id)
    )


# What the database fills in for a new order; the service sets every other column.
_GENERATED = ("id", "refunded_amount", "payout_status")
_SET_BY_SERVICE = tuple(c.key for c in Transaction.__table__.columns if c.key not in _GENERATED)
# Built once per kind of reservation (_insert_reserving), as the purchase path's other
# statements are: the unit of work's flush of one new object cost the app more CPU than the
# INSERT itself.


# The order's values are named apart from every column: an UPDATE (the reservation's) takes an
# execution parameter named as one of its table's columns as a value to SET.
_PREFIX = "order__"  # no column name has a double underscore


@cache
def _insert_reserving(reserved: CTE) -> Select[uuid.UUID, Decimal, str, str]:
    """INSERT the order only if `reserved` took its stock, in one statement (built once per
    kind of reservation): its id and generated columns, and the listing's status after it."""
    values = select(
        *(
            bindparam(f"{_PREFIX}{key}", type_=Transaction.__table__.c[key].type)
            for key in _SET_BY_SERVICE
        )
    ).select_from(reserved)
    inserted = (
        insert(Transaction)
        .from_select(list(_SET_BY_SERVICE), values)
        .returning(*(Transaction.__table__.c[key] for key in _GENERATED))
        .cte("inserted")
    )
    return select(*(inserted.c[key] for key in _GENERATED), reserved.c.status).join_from(
        inserted, reserved, true()
    )


@cache
def _direct_reserving(reserved: CTE) -> Direct:
    # A reservation that took nothing inserted nothing either: it wrote nothing.
    return Direct(_insert_reserving(reserved), conditional_write=True)


def _given(transaction: Transaction) -> dict[str, object]:
    """Every column the service sets, as set on the new `transaction` (None where unset), read
    from its state's dict: without the attribute machinery a `getattr` of an unset column
    runs (27 columns, about 40 us)."""
    held = instance_state(transaction).dict
    return {key: held.get(key) for key in _SET_BY_SERVICE}


def _loaded(
    session: AsyncSession,
    transaction: Transaction,
    values: dict[str, object],
    generated: Sequence[object],
) -> None:
    """Make the just-inserted `transaction` persistent in the session as if it had been loaded,
    so a later change is flushed as an UPDATE. Every column gets its value (None for those left
    unset), so none is left expired: in its state's dict, without an attribute event each (its
    history is reset next)."""
    held = instance_state(transaction).dict
    held.update(values)
    held.update(zip(_GENERATED, generated, strict=True))
    make_transient_to_detached(transaction)
    session.add(transaction)


async def add_reserving(
    session: AsyncSession, transaction: Transaction, reservation: Reservation
) -> str | None:
    """Take `reservation` and insert the new order (every column but the generated ones set
    on `transaction`) in one statement; the listing's status after it, or None when the
    reservation could take nothing, and then nothing was inserted either."""
    values = _given(transaction)
    params = {f"{_PREFIX}{key}": value for key, value in values.items()}
    # Through asyncpg itself, as materials' listing read: rows, not objects, come back.
    row = await _direct_reserving(reservation.cte).first(session, {**reservation.params, **params})
    if row is None:
        return None
    _loaded(session, transaction, values, row[:-1])
    status: str = row[-1]
    return status


# One open sample order per buyer and listing: the partial unique index decides, so two at
# once can't both pass; the second inserts nothing.
_INSERT_SAMPLE = (
    pg_insert(Transaction)
    .values({key: bindparam(key) for key in _SET_BY_SERVICE})
    .on_conflict_do_nothing(
        index_elements=["buyer_id", "material_id"],
        index_where=text(f"kind = 'sample' AND {OPEN_SAMPLE}"),
    )
    .returning(*(Transaction.__table__.c[key] for key in _GENERATED))
)


async def add_sample(session: AsyncSession, transaction: Transaction) -> bool:
    """Insert a sample order in one statement; False (nothing inserted) when the buyer
    already has an open sample order of the listing."""
    values = _given(transaction)
    row = (await session.execute(_INSERT_SAMPLE, values)).first()
    if row is None:
        return False
    _loaded(session, transaction, values, row)
    return True


async def get_view(session: AsyncSession, transaction_id: uuid.UUID) -> TransactionView | None:
    row = (await session.execute(_view_query().where(Transaction.id == transaction_id))).first()
    return None if row is None else TransactionView(*row)


async def list_views(
    session: AsyncSession,
    user_id: uuid.UUID,
    role: Literal["buyer", "seller"] | None,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[list[TransactionView], int]:
    if role == "buyer":
        condition = Transaction.buyer_id == user_id
    elif role == "seller":
        condition = Transaction.seller_id == user_id
    else:
        condition = or_(Transaction.buyer_id == user_id, Transaction.seller_id == user_id)
    conditions = [condition]
    if status is not None:
        conditions.append(Transaction.status == status)
    total = await session.scalar(select(func.count()).select_from(Transaction).where(*conditions))
    rows = await session.execute(
        _view_query()
        .where(*conditions)
        .order_by(Transaction.created_at.desc(), Transaction.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [TransactionView(*r) for r in rows], total or 0


_LOCK = Direct(
    select(Transaction).where(Transaction.id == bindparam("transaction_id")).with_for_update()
)


async def lock(session: AsyncSession, transaction_id: uuid.UUID) -> Transaction | None:
    """The transaction, locked until the end of the database transaction: status changes are
    serialised, so of two concurrent changes the second sees the first's result. (Built
    once: every payment runs it.)"""
    return await _LOCK.load(
        session, Transaction, {"transaction_id": transaction_id}, populate_existing=True
    )


async def lock_overdue(session: AsyncSession, now: datetime, limit: int) -> list[Transaction]:
    """Pending transactions past their expiry, locked; rows another request is changing right
    now are skipped (that request decides their fate; the next run sees the rest)."""
    result = await session.execute(
        select(Transaction)
        .where(Transaction.status == "pending", Transaction.expires_at <= now)
        .order_by(Transaction.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def lock_pending_of(session: AsyncSession, user_id: uuid.UUID) -> list[Transaction]:
    """The user's pending transactions as buyer or seller, locked. One a payment is settling
    right now is waited for, then left out if it is no longer pending."""
    result = await session.execute(
        select(Transaction)
        .where(
            Transaction.status == "pending",
            or_(Transaction.buyer_id == user_id, Transaction.seller_id == user_id),
        )
        .order_by(Transaction.material_id, Transaction.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


_transactions = Transaction.__table__.c


@cache
def _update_of(names: frozenset[str], companions: Clauses) -> Direct:
    """One transaction's UPDATE of those columns, returning its row (built once per set and
    companions; the columns' onupdate, `updated_at`'s now(), where not given), carrying the
    companions' writes in its WITH clause and what they give back after its columns."""
    statement = (
        update(Transaction)
        .where(Transaction.id == bindparam("transaction_id"))
        .values({name: bindparam(f"new_{name}", type_=_transactions[name].type) for name in names})
        .returning(*_transactions)
    )
    return Direct(with_companions(statement, companions))


async def write(
    session: AsyncSession,
    transaction: Transaction,
    changes: dict[str, Any],
    companions: Sequence[Companion] = (),
) -> Any:
    """`changes` written to the transaction's row with one UPDATE ... RETURNING, and the
    object refreshed from it: as setting them and flushing, without the unit of work (a paid
    order's status). `companions` are written by the same statement; the row it returned, for
    what they give back. The session's pending changes are written first."""
    await flush_pending(session)
    params = {"transaction_id": transaction.id, **{f"new_{k}": v for k, v in changes.items()}}
    params |= companion_params(companions)
    clauses = tuple(companion.clause for companion in companions)
    row = await _update_of(frozenset(changes), clauses).first(session, params)
    assert row is not None  # the caller holds the row's lock
    written = loaded(session, Transaction, row, populate_existing=True)
    assert written is transaction  # the session's object, its row written
    return row


async def flush(session: AsyncSession) -> None:
    """Write the changes made to loaded rows (their UPDATEs) now, inside the transaction."""
    await session.flush()


def shipped_at() -> ColumnElement[datetime]:
    """When the order was shipped, from its status history."""
    return (
        select(func.max(literal_column("(entry->>'at')").cast(Transaction.paid_at.type)))
        .select_from(func.jsonb_array_elements(Transaction.status_history).alias("entry"))
        .where(literal_column("entry->>'status'") == "shipped")
        .scalar_subquery()
    )


async def lock_shipped_before(
    session: AsyncSession, cutoff: datetime, limit: int
) -> list[Transaction]:
    """Shipped orders shipped before `cutoff`, locked; rows being changed are skipped."""
    result = await session.execute(
        select(Transaction)
        .where(Transaction.status == "shipped", shipped_at() <= cutoff)
        .order_by(Transaction.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def lock_awaiting_payout(
    session: AsyncSession, seller_id: uuid.UUID | None, limit: int
) -> list[Transaction]:
    """Completed orders whose payout is still held or scheduled (of one seller, or all)."""
    query = select(Transaction).where(
        Transaction.status == "completed",
        Transaction.payout_status.in_(("held", "scheduled")),
    )
    if seller_id is not None:
        query = query.where(Transaction.seller_id == seller_id)
    result = await session.execute(
        query.order_by(Transaction.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def get_shipped_at(session: AsyncSession, transaction_id: uuid.UUID) -> datetime | None:
    return await session.scalar(select(shipped_at()).where(Transaction.id == transaction_id))


async def payout_balances(
    session: AsyncSession, seller_id: uuid.UUID
) -> list[tuple[str, str, Decimal]]:
    """(currency, payout status, the sum of the seller's shares) of a seller's paid orders."""
    share = (
        Transaction.total - func.coalesce(Transaction.platform_fee, 0) - Transaction.refunded_amount
    )
    result = await session.execute(
        select(Transaction.currency, Transaction.payout_status, func.sum(share))
        .where(
            Transaction.seller_id == seller_id,
            Transaction.payout_status.in_(("held", "scheduled")),
        )
        .group_by(Transaction.currency, Transaction.payout_status)
    )
    return [(row[0], row[1], row[2]) for row in result]
