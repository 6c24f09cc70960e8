"""A payment's own writes, without the unit of work: the payment's INSERT ... RETURNING and the
paid order's UPDATE ... RETURNING leave the session's objects as a flush would have, and
nothing pending for the commit to write again."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.ledger import service as ledger
from fabricloop.materials.models import Material
from fabricloop.notifications.models import NotificationSetting
from fabricloop.payments import repository
from fabricloop.payments import service as payments
from fabricloop.payments.models import IdempotencyKey, Payment
from fabricloop.transactions import service as transactions
from fabricloop.transactions.models import Transaction
from tests.factories import make_transaction
from tests.notifications.stored import emailed, notifications_of
from tests.statements import statements_sent


def _columns(row: Transaction | Payment) -> dict[str, object]:
    return {prop.key: getattr(row, prop.key) for prop in row.__mapper__.column_attrs}


async def _stored(session: AsyncSession, row: Transaction | Payment) -> dict[str, object]:
    """The row as the ORM reads it afresh (into the same object)."""
    await session.refresh(row)
    return _columns(row)


def _payment(order: Transaction, buyer: User, **changes: object) -> Payment:
    """A new payment of `order`, its id given (as the payment service gives it)."""
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "transaction_id": order.id,
        "payer_id": buyer.id,
        "amount": order.total,
        "currency": order.currency,
        "status": "succeeded",
        "gateway": "sandbox",
        "gateway_reference": "pi_settle_test",
        "payment_method": "pm_card_visa",
        "decline_code": None,
        "failure_message": None,
    }
    return Payment(**(values | changes))


async def test_a_paid_order_is_one_update_and_nothing_pending(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer)
    locked = await transactions.lock_by_id(session, order.id)
    assert locked is order
    async with statements_sent(session) as sent:
        assert await transactions.mark_paid(session, order, Decimal("1.25"))
        await session.flush()
    # The order's UPDATE carrying the seller's notification; the flush has nothing left.
    assert [statement.split()[0] for statement in sent] == ["WITH"]
    assert "UPDATE transactions" in sent[0]
    assert not session.is_modified(order)
    assert (order.status, order.payout_status, order.platform_fee) == (
        "paid",
        "held",
        Decimal("1.25"),
    )
    assert order.paid_at is not None
    assert [step["status"] for step in order.status_history] == ["pending", "paid"]
    seen = _columns(order)
    assert await _stored(session, order) == seen
    # Paid once: a second settlement changes nothing and sends nothing.
    async with statements_sent(session) as sent:
        assert not await transactions.mark_paid(session, order, Decimal("9.99"))
    assert sent == []


async def test_the_ledger_entries_ride_in_the_update_that_makes_it_paid(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer)
    await transactions.lock_by_id(session, order.id)
    movements = [
        ("charge", order.total, "pi_Ünïcode_☃"),
        ("fee", Decimal("0.00"), None),  # a zero fee change is left out
        ("fee", Decimal("1.25"), None),
    ]
    entries = ledger.recording(order, *movements)
    assert entries is not None
    async with statements_sent(session) as sent:
        assert await transactions.mark_paid(session, order, Decimal("1.25"), (entries,))
    # One statement for the order's change, its entries and the seller's notification.
    assert [statement.split()[0] for statement in sent] == ["WITH"]
    assert "UPDATE transactions" in sent[0]
    assert [n.kind for n in await notifications_of(session, order.seller_id)] == ["order_paid"]
    assert order.status == "paid"
    assert not session.is_modified(order)
    stored = await ledger.entries(session, order.id)
    assert [(e.kind, e.amount, e.reference, e.currency) for e in stored] == [
        ("charge", order.total, "pi_Ünïcode_☃", order.currency),
        ("fee", Decimal("1.25"), None, order.currency),
    ]
    assert stored[0].position < stored[1].position
    # Not paid again: the entries are not written either.
    again = ledger.recording(order, ("charge", order.total, "pi_again"))
    assert again is not None
    async with statements_sent(session) as sent:
        assert not await transactions.mark_paid(session, order, Decimal("1.25"), (again,))
    assert sent == []
    assert len(await ledger.entries(session, order.id)) == 2
    assert ledger.recording(order, ("fee", Decimal("0.00"), None)) is None


@pytest.mark.parametrize("email", [True, False])
async def test_the_sellers_notification_rides_in_the_update_that_makes_it_paid(
    session: AsyncSession, material: Material, buyer: User, email: bool
) -> None:
    seller = await session.get(User, material.seller_id)
    assert seller is not None
    if not email:
        session.add(NotificationSetting(user_id=seller.id, kind="order_paid", email=False))
    order = await make_transaction(session, material, buyer, quantity=Decimal("2.5"))
    await transactions.lock_by_id(session, order.id)
    entries = ledger.recording(order, ("charge", order.total, "pi_1"))
    assert entries is not None
    async with statements_sent(session) as sent:
        assert await transactions.mark_paid(session, order, Decimal("0.10"), (entries,))
    assert len(sent) == 1
    (told,) = await notifications_of(session, seller.id)
    quantity = format(order.quantity.normalize(), "f")
    assert (told.kind, told.title, told.body, told.link, told.read_at) == (
        "order_paid",
        "Order paid",
        f"An order of {quantity} {order.unit} ({order.total} {order.currency}) is paid: "
        "ship it when it is ready.",
        f"/transactions/{order.id}",
        None,
    )
    assert await notifications_of(session, buyer.id) == []
    assert await emailed(session, seller.id) == ([seller.email] if email else [])


async def test_a_change_pending_on_the_order_is_kept(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer)
    order.purchase_order_reference = "PO-Ünïcode-7"  # set, not flushed, before it is paid
    assert await transactions.mark_paid(session, order, Decimal("0.50"))
    assert not session.is_modified(order)
    stored = await _stored(session, order)
    assert stored["purchase_order_reference"] == "PO-Ünïcode-7"
    assert stored["status"] == "paid"


async def test_a_payment_is_stored_with_one_insert(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer)
    given = _payment(order, buyer)
    async with statements_sent(session) as sent:
        payment = await repository.add_payment(session, given)
        await session.flush()
    assert len(sent) == 1
    assert sent[0].startswith("INSERT INTO payments")
    assert payment is not given
    assert given not in session
    state = sa_inspect(payment)
    assert state.persistent
    assert not session.is_modified(payment)
    assert payment.id is not None
    assert payment.created_at is not None
    assert await session.get(Payment, payment.id) is payment
    seen = _columns(payment)
    assert await _stored(session, payment) == seen


async def test_a_payment_and_its_keys_answer_are_one_statement(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer)
    given = _payment(
        order,
        buyer,
        status="failed",
        payment_method="pm_card_chargeDeclined",
        decline_code="card_declined",
        failure_message="Declined ☃",
    )
    now = datetime.now(UTC)
    body = {"code": "payment_declined", "payment_id": str(given.id), "note": "Ünïcode ☃"}
    answer = repository.KeyAnswer(
        buyer.id, "key-Ü-1", "a" * 64, 402, body, now, now + timedelta(hours=1)
    )
    async with statements_sent(session) as sent:
        payment = await repository.add_payment(session, given, answer)
    assert len(sent) == 1
    assert payment.id == given.id
    assert sa_inspect(payment).persistent
    assert not session.is_modified(payment)
    assert await _stored(session, payment) == _columns(payment)
    stored = await repository.get_idempotency_key(session, buyer.id, "key-Ü-1", now)
    assert stored == repository.StoredKey("a" * 64, 402, body)
    # The key's expiry is the answer's: not live any more after it.
    expired = now + timedelta(hours=2)
    assert await repository.get_idempotency_key(session, buyer.id, "key-Ü-1", expired) is None


async def test_ledger_entries_are_one_statement_in_the_order_given(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer, status="paid")
    order.tracking_number = "TRK-1"  # pending: written before the entries, as a flush would
    movements = [
        ("charge", Decimal("120.50"), "pi_Ünïcode_☃"),
        ("fee", Decimal("0.00"), None),  # a zero fee change is left out
        ("fee", Decimal("6.03"), None),
        ("refund", Decimal("20.00"), "re_1"),
        ("fee", Decimal("-1.00"), None),
        ("transfer", Decimal("93.47"), "tr_1"),
    ]
    async with statements_sent(session) as sent:
        await ledger.record(session, order, *movements)
    assert [statement.split()[0] for statement in sent] == ["UPDATE", "INSERT"]
    entries = await ledger.entries(session, order.id)
    assert [(e.kind, e.amount, e.reference) for e in entries] == [
        m for m in movements if m[1] != Decimal(0)
    ]
    assert {(e.transaction_id, e.currency) for e in entries} == {(order.id, order.currency)}
    positions = [e.position for e in entries]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    balance = await ledger.balance(session, order.id)
    assert (balance.charges, balance.refunds, balance.fees) == (
        Decimal("120.50"),
        Decimal("20.00"),
        Decimal("5.03"),
    )


async def test_a_new_payment_and_its_keys_answer_ride_in_the_update_that_makes_it_paid(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer)
    await transactions.lock_by_id(session, order.id)
    given = _payment(order, buyer, gateway_reference="pi_Ünïcode_☃")
    now = datetime.now(UTC)
    body = {"payment_id": str(given.id), "status": "succeeded", "note": "Ünïcode ☃"}
    answer = repository.KeyAnswer(
        buyer.id, "key-Ü-paid", "b" * 64, 201, body, now, now + timedelta(hours=1)
    )
    entries = ledger.recording(order, ("charge", order.total, given.gateway_reference))
    assert entries is not None
    recorded = repository.recording(given, answer)
    async with statements_sent(session) as sent:
        assert await transactions.mark_paid(session, order, Decimal("0.10"), (*recorded, entries))
    # The payment, its key's answer, the ledger entries, the seller's notification and the
    # order's change: one statement.
    assert len(sent) == 1
    assert "UPDATE transactions" in sent[0]
    assert "INSERT INTO payments" in sent[0]
    assert "INSERT INTO idempotency_keys" in sent[0]
    assert given not in session
    stored = await session.get(Payment, given.id)
    assert stored is not None
    assert stored.created_at is not None
    assert _columns(stored) | {"created_at": None, "updated_at": None} == _columns(given) | {
        "created_at": None,
        "updated_at": None,
    }
    assert await repository.get_idempotency_key(
        session, buyer.id, "key-Ü-paid", now
    ) == repository.StoredKey("b" * 64, 201, body)
    assert [e.kind for e in await ledger.entries(session, order.id)] == ["charge"]
    assert order.status == "paid"
    # Not paid again: nothing the companions carry is written either.
    again = _payment(order, buyer, gateway_reference="pi_again")
    async with statements_sent(session) as sent:
        assert not await transactions.mark_paid(
            session, order, Decimal("0.10"), repository.recording(again)
        )
    assert sent == []
    assert await session.get(Payment, again.id) is None


async def test_a_payment_without_a_key_rides_alone(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer)
    await transactions.lock_by_id(session, order.id)
    given = _payment(order, buyer)
    recorded = repository.recording(given)
    assert len(recorded) == 1
    assert await transactions.mark_paid(session, order, Decimal("0.10"), recorded)
    assert await repository.count_attempts(session, order.id) == 1
    assert (await session.execute(select(IdempotencyKey))).first() is None


async def test_attempts_and_the_stored_answer_are_one_statement(
    session: AsyncSession, material: Material, buyer: User
) -> None:
    order = await make_transaction(session, material, buyer)
    other = await make_transaction(session, material, buyer)
    now = datetime.now(UTC)
    async with statements_sent(session) as sent:
        assert await repository.attempts_and_stored(session, order.id, buyer.id, "k-Ü", now) == (
            0,
            None,
        )
    assert len(sent) == 1
    for n in range(2):
        declined = _payment(order, buyer, status="failed", gateway_reference=f"pi_{n}")
        await repository.add_payment(session, declined)
    await repository.add_payment(session, _payment(other, buyer, gateway_reference="pi_o"))
    body = {"code": "payment_declined", "note": "'; DROP TABLE payments; --"}
    answer = repository.KeyAnswer(
        buyer.id, "k-Ü", "c" * 64, 402, body, now, now + timedelta(hours=1)
    )
    await repository.save_idempotency_key(session, answer)
    stored = repository.StoredKey("c" * 64, 402, body)
    assert await repository.attempts_and_stored(session, order.id, buyer.id, "k-Ü", now) == (
        2,
        stored,
    )
    # Another order's attempts, another user's key, another key, an expired answer.
    assert await repository.attempts_and_stored(session, other.id, buyer.id, "k-Ü", now) == (
        1,
        stored,
    )
    stranger = uuid.uuid4()
    assert await repository.attempts_and_stored(session, order.id, stranger, "k-Ü", now) == (
        2,
        None,
    )
    assert await repository.attempts_and_stored(session, order.id, buyer.id, "k-u", now) == (
        2,
        None,
    )
    later = now + timedelta(hours=2)
    assert await repository.attempts_and_stored(session, order.id, buyer.id, "k-Ü", later) == (
        2,
        None,
    )


async def test_a_success_on_an_order_no_longer_pending_is_stored_all_the_same(
    session: AsyncSession, material: Material, buyer: User, settings: Settings
) -> None:
    """Never while the order is locked pending, as a payment holds it; were the order not
    made paid, the money taken is still on record: the payment and its key's answer are
    stored on their own, and the order, its ledger and its seller's notifications are left."""
    order = await make_transaction(session, material, buyer, status="cancelled")
    await transactions.lock_by_id(session, order.id)
    given = _payment(order, buyer, gateway_reference="pi_late")
    now = datetime.now(UTC)
    body = {"payment_id": str(given.id), "status": "succeeded"}
    answer = repository.KeyAnswer(
        buyer.id, "k-late", "d" * 64, 201, body, now, now + timedelta(hours=1)
    )
    await payments._settle_new(session, settings, payments._Succeeded(order, given, answer))
    stored = await session.get(Payment, given.id)
    assert stored is not None
    assert (stored.status, stored.gateway_reference) == ("succeeded", "pi_late")
    assert await repository.get_idempotency_key(
        session, buyer.id, "k-late", now
    ) == repository.StoredKey("d" * 64, 201, body)
    await session.refresh(order)
    assert order.status == "cancelled"
    assert await ledger.entries(session, order.id) == []
    assert await notifications_of(session, order.seller_id) == []
