"""Purchases: create with a stock reservation, read as a party, change status through the
state machine, and expire unpaid orders."""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.db import Companion, after_commit, unsaved
from fabricloop.core.errors import AppError, field_error
from fabricloop.core.metrics import record_transaction
from fabricloop.core.pagination import Page
from fabricloop.core.vocabulary import WHOLE_UNITS
from fabricloop.materials import caching, stock, terms
from fabricloop.materials.errors import MaterialNotFound
from fabricloop.materials.terms import order_total, quantity_in_kg
from fabricloop.notifications import service as notifications
from fabricloop.shipping import service as shipping
from fabricloop.shipping.pricing import ARRANGED_BY_SELLER, Charge
from fabricloop.transactions import repository
from fabricloop.transactions.errors import (
    BelowMinimumOrder,
    CannotBuyOwnMaterial,
    InsufficientQuantity,
    InvalidIncrement,
    InvalidTransition,
    ListingChanged,
    PriceChanged,
    SampleAlreadyOpen,
    SamplesUnavailable,
    TransactionNotFound,
    WrongParty,
)
from fabricloop.transactions.models import Transaction
from fabricloop.transactions.repository import TransactionView as TransactionView
from fabricloop.transactions.schemas import StatusUpdate, TransactionCreate
from fabricloop.transactions.state import Actor, Verdict, judge

if TYPE_CHECKING:
    from fabricloop.payments.gateway import PaymentGateway

CENT = Decimal("0.01")
ZERO_MONEY = Decimal("0.00")
MILLI = Decimal("0.001")
# The columns' limits: NUMERIC(14, 2) for the total, NUMERIC(16, 4) for the mass.
MAX_TOTAL = Decimal("999999999999.99")
MAX_KG = Decimal("999999999999.9999")
# Not orderable by anyone but the seller: 404 (`hidden`: withheld by the operator).
HIDDEN_STATUSES = ("draft", "archived", "hidden")
EXPIRY_BATCH = 500
# status -> (notification kind, title, body); the body is formatted with the order's figures.
NOTICES: dict[str, tuple[str, str, str]] = {
    "paid": (
        "order_paid",
        "Order paid",
        "An order of {quantity} {unit} ({total}) is paid: ship it when it is ready.",
    ),
    "shipped": (
        "order_shipped",
        "Order shipped",
        "Your order of {quantity} {unit} ({total}) is on its way.",
    ),
    "completed": (
        "order_completed",
        "Order completed",
        "The buyer received the order of {quantity} {unit} ({total}).",
    ),
    "cancelled": (
        "order_cancelled",
        "Order cancelled",
        "The order of {quantity} {unit} ({total}) was cancelled.",
    ),
}


# Run when an order completes, in its database transaction: payouts registers the release of
# the seller's share here (it builds on this module, so this module doesn't import it).
CompletionHook = Callable[[AsyncSession, "PaymentGateway", Transaction], Awaitable[None]]
COMPLETION_HOOKS: list[CompletionHook] = []


def on_completion(hook: CompletionHook) -> CompletionHook:
    COMPLETION_HOOKS.append(hook)
    return hook


def _now() -> datetime:
    return datetime.now(UTC)


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _check_order(
    listing: stock.Listing, buyer_id: uuid.UUID, quantity: Decimal, available: Decimal | None
) -> Decimal:
    """Every rule that doesn't depend on the stock reserved, in the order a buyer fixes them;
    returns the unit price (the tier the quantity reaches). `available`: what is left of the
    listing, or of the lot ordered from (None: not known, see terms.quantity_problem)."""
    if listing.seller_id == buyer_id:
        raise CannotBuyOwnMaterial()
    if listing.unit in WHOLE_UNITS and quantity != quantity.to_integral_value():
        raise field_error("quantity", f"Must be a whole number for the unit {listing.unit}.")
    problem = terms.quantity_problem(
        quantity,
        available=available,
        minimum=listing.min_order_quantity,
        increment=listing.order_increment,
    )
    if problem is terms.QuantityProblem.BELOW_MINIMUM:
        assert listing.min_order_quantity is not None
        raise BelowMinimumOrder(
            f"The minimum order for this listing is {listing.min_order_quantity.normalize():f} "
            f"{listing.unit}."
        )
    if problem is terms.QuantityProblem.OFF_STEP:
        assert listing.order_increment is not None
        start = listing.min_order_quantity or listing.order_increment
        raise InvalidIncrement(
            f"Order {start.normalize():f} {listing.unit} or more in steps of "
            f"{listing.order_increment.normalize():f}."
        )
    unit_price = terms.unit_price(listing.price, listing.price_tiers, quantity)
    if order_total(unit_price, quantity) > MAX_TOTAL:
        raise field_error("quantity", "The order total is too large.")
    if quantity_in_kg(quantity, listing.unit, listing.kg_per_unit) > MAX_KG:
        raise field_error("quantity", "The order's mass is too large.")
    return unit_price


async def _available(
    session: AsyncSession, listing: stock.Listing, lot_code: str | None
) -> Decimal:
    """What the order may take from: the listing's stock, or its lot's."""
    if not listing.sold_by_lot:
        if lot_code is not None:
            raise field_error("lot_code", "This listing is not sold by lot.")
        return listing.quantity
    if lot_code is None:
        raise field_error("lot_code", "This listing is sold by lot: name the lot_code.")
    left = await stock.lot_quantity(session, listing.id, lot_code)
    if left is None:
        raise field_error("lot_code", "The listing has no lot of this code.")
    return left


def _price_changed(unit_price: Decimal, currency: str) -> PriceChanged:
    """The buyer was shown another unit price than the order's (for its quantity)."""
    current = f"{unit_price:.2f}"
    return PriceChanged(
        details=[
            {
                "field": "expected_unit_price",
                "message": f"The unit price is now {current} {currency}.",
                "current_unit_price": current,
                "currency": currency,
            }
        ]
    )


async def delivery_of(
    session: AsyncSession,
    cache: Cache,
    listing: stock.Listing,
    order: "Order",
    address: dict[str, object] | None,
    *,
    pickup: bool,
) -> Charge:
    """The order's delivery at the seller's rules, before any stock is taken: an address the
    seller does not ship to is refused here (422 `not_shipped_to_country`); `free_over`
    compares the goods total at the order's unit price. No address and no pickup (an order
    from an offer that gave none): the seller arranges delivery."""
    if address is None and not pickup:
        return ARRANGED_BY_SELLER
    goods = order_total(order.unit_price, order.quantity)
    weight = quantity_in_kg(order.quantity, listing.unit, listing.kg_per_unit)
    country = None if address is None else str(address["country"])
    delivery = await shipping.order_charge(
        session, cache, listing.seller_id, country, weight, goods, pickup=pickup
    )
    if goods + delivery.price > MAX_TOTAL:
        raise field_error("quantity", "The order total is too large.")
    return delivery


def _count(session: AsyncSession, status: str) -> None:
    async def record() -> None:
        record_transaction(status)

    after_commit(session, record)


async def listing_for(
    session: AsyncSession, buyer_id: uuid.UUID, material_id: uuid.UUID
) -> stock.Listing:
    """The listing as a buyer may order from it (404 when hidden from them)."""
    listing = await stock.get_listing(session, material_id)
    if listing is None or listing.deleted:
        raise MaterialNotFound()
    if listing.seller_id != buyer_id and listing.status in HIDDEN_STATUSES:
        raise MaterialNotFound()
    return listing


async def create_transaction(
    session: AsyncSession, settings: Settings, cache: Cache, buyer: User, data: TransactionCreate
) -> Transaction:
    remembered = stock.remembered_listing(data.material_id)
    if remembered is not None and data.kind == "order":
        placed = await _order_on_terms_read(session, settings, cache, buyer, data, remembered)
        if placed is not None:
            return placed
    listing = await listing_for(session, buyer.id, data.material_id)
    if data.kind == "sample":
        return await _create_sample(session, settings, buyer, listing, data)
    if data.quantity is None:
        raise field_error("quantity", "This field is required for an order.")
    order = await check_order(session, buyer.id, listing, data.quantity, data.lot_code)
    if data.expected_unit_price is not None and data.expected_unit_price != order.unit_price:
        raise _price_changed(order.unit_price, listing.currency)
    if data.shipping_address is None and not data.pickup:
        raise field_error("shipping_address", "Required unless pickup is true.")
    address = _address(data)
    delivery = await delivery_of(session, cache, listing, order, address, pickup=data.pickup)
    reference = data.purchase_order_reference
    return await place_order(
        session, settings, cache, buyer.id, listing, order, address, delivery, reference
    )


def _address(data: TransactionCreate) -> dict[str, object] | None:
    sent_to = data.shipping_address
    return None if sent_to is None else sent_to.model_dump(mode="json")


async def _order_on_terms_read(
    session: AsyncSession,
    settings: Settings,
    cache: Cache,
    buyer: User,
    data: TransactionCreate,
    listing: stock.Listing,
) -> Transaction | None:
    """The order placed on the terms this process last read of its listing, without reading
    it again: one statement fewer for most orders. None when those terms don't make the order
    (any check fails on them; or it takes the remnant, which they can't tell) or the listing
    has changed since (the reservation took nothing and wrote nothing): the caller then
    decides on the listing as it is now, with whatever answer that gives."""
    quantity = data.quantity
    if (
        quantity is None
        or listing.status != stock.PURCHASABLE
        or listing.deleted
        or listing.sold_by_lot
        or data.lot_code is not None
        or (data.shipping_address is None and not data.pickup)
    ):
        return None
    quantity = quantity.quantize(MILLI)
    address = _address(data)
    try:
        unit_price = _check_order(listing, buyer.id, quantity, None)
        # What is left is not known here: the reservation alone checks it.
        order = Order(quantity, unit_price, None, available=quantity)
        if data.expected_unit_price is not None and data.expected_unit_price != order.unit_price:
            return None
        delivery = await delivery_of(session, cache, listing, order, address, pickup=data.pickup)
    except AppError:
        return None
    transaction = _new_order(
        settings, buyer.id, listing, order, address, delivery, data.purchase_order_reference
    )
    status = await _reserve(session, settings, listing, order, transaction)
    if status is None:
        return None
    _placed(session, cache, listing, status)
    return transaction


async def check_order(
    session: AsyncSession,
    buyer_id: uuid.UUID,
    listing: stock.Listing,
    quantity: Decimal,
    lot_code: str | None,
) -> "Order":
    """An order of `quantity` (from the lot) checked against the listing's terms, at the tier
    price; offers check their rounds with it too."""
    quantity = quantity.quantize(MILLI)
    available = await _available(session, listing, lot_code)
    unit_price = _check_order(listing, buyer_id, quantity, available)
    return Order(quantity, unit_price, lot_code, available)


@dataclass(frozen=True)
class Order:
    """What an order takes: checked against the listing's terms, or agreed in an offer."""

    quantity: Decimal
    unit_price: Decimal
    lot_code: str | None
    available: Decimal


async def place_order(
    session: AsyncSession,
    settings: Settings,
    cache: Cache,
    buyer_id: uuid.UUID,
    listing: stock.Listing,
    order: Order,
    shipping_address: dict[str, object] | None,
    delivery: Charge | None = None,
    purchase_order_reference: str | None = None,
) -> Transaction:
    """Record a pending order, priced goods + `delivery` (by default the seller's rules for
    the address, see delivery_of), and reserve its stock (of its lot, if any). An order made
    from an offer may have no address yet (null): the seller then arranges delivery."""
    if delivery is None:
        delivery = await delivery_of(session, cache, listing, order, shipping_address, pickup=False)
    quantity = order.quantity
    if listing.status != stock.PURCHASABLE or order.available < quantity:
        raise _insufficient(listing, order.lot_code, order.available)
    transaction = _new_order(
        settings, buyer_id, listing, order, shipping_address, delivery, purchase_order_reference
    )
    status = await _reserve(session, settings, listing, order, transaction)
    if status is None:
        await _refused(session, listing, quantity, order.lot_code)
    _placed(session, cache, listing, status)
    return transaction


def _new_order(
    settings: Settings,
    buyer_id: uuid.UUID,
    listing: stock.Listing,
    order: Order,
    shipping_address: dict[str, object] | None,
    delivery: Charge,
    purchase_order_reference: str | None,
) -> Transaction:
    """The pending order, priced, not yet recorded (made without the ORM's constructor: a
    statement of its own records it)."""
    quantity = order.quantity
    now = _now()
    return unsaved(
        Transaction,
        {
            "material_id": listing.id,
            "buyer_id": buyer_id,
            "seller_id": listing.seller_id,
            "kind": "order",
            "lot_code": order.lot_code,
            "quantity": quantity,
            "unit": listing.unit,
            "quantity_kg": quantity_in_kg(quantity, listing.unit, listing.kg_per_unit),
            "unit_price": order.unit_price,
            "total": order_total(order.unit_price, quantity) + delivery.price,
            "shipping_price": delivery.price,
            "shipping_method": delivery.method,
            "incoterm": delivery.incoterm,
            "delivery_days_min": delivery.days_min,
            "delivery_days_max": delivery.days_max,
            "currency": listing.currency,
            "status": "pending",
            "shipping_address": shipping_address,
            "purchase_order_reference": purchase_order_reference,
            "status_history": [{"status": "pending", "at": rfc3339(now)}],
            "expires_at": now + timedelta(minutes=settings.order_expiry_minutes),
            "created_at": now,
            "updated_at": now,
        },
    )


async def _reserve(
    session: AsyncSession,
    settings: Settings,
    listing: stock.Listing,
    order: Order,
    transaction: Transaction,
) -> str | None:
    """One statement takes the stock (of its lot, if any) on the terms of `listing` and records
    the order, and the commit follows it: the listing's row is locked for that long only, so
    buyers of one listing queue behind each other as briefly as possible. If it takes nothing,
    it records nothing either (None); else the listing's status after it."""
    reservation = stock.reservation(listing, order.quantity, order.lot_code)
    async with stock.in_turn(listing.id, settings.db_statement_timeout_ms / 1000):
        return await repository.add_reserving(session, transaction, reservation)


def _placed(session: AsyncSession, cache: Cache, listing: stock.Listing, status: str) -> None:
    # A listing still on sale changed its quantity only: searches that don't show it stay
    # cached. Selling out takes it out of every search.
    stock_only = status == stock.PURCHASABLE
    caching.invalidate_after_commit(session, cache, [listing.id], stock_only=stock_only)
    _count(session, "pending")


async def _create_sample(
    session: AsyncSession,
    settings: Settings,
    buyer: User,
    listing: stock.Listing,
    data: TransactionCreate,
) -> Transaction:
    """One sample at the listing's sample price; the bulk stock is not touched. A free sample
    is paid at once (nothing to charge)."""
    if listing.seller_id == buyer.id:
        raise CannotBuyOwnMaterial()
    if data.quantity is not None and data.quantity != 1:
        raise field_error("quantity", "A sample order is for one sample: leave it out or send 1.")
    if data.lot_code is not None:
        raise field_error("lot_code", "A sample order names no lot.")
    if data.pickup:
        raise field_error("pickup", "Samples are sent by the seller, not collected.")
    if data.shipping_address is None:
        raise field_error("shipping_address", "A sample is sent to this address: required.")
    price = listing.sample_price
    if not listing.sample_available or price is None or listing.status != stock.PURCHASABLE:
        raise SamplesUnavailable()
    if data.expected_unit_price is not None and data.expected_unit_price != price:
        raise _price_changed(price, listing.currency)
    now = _now()
    history = [{"status": "pending", "at": rfc3339(now)}]
    free = price == 0
    if free:
        history.append({"status": "paid", "at": rfc3339(now)})
    transaction = Transaction(
        material_id=listing.id,
        buyer_id=buyer.id,
        seller_id=listing.seller_id,
        kind="sample",
        quantity=Decimal(1),
        unit="piece",
        quantity_kg=Decimal(0),
        unit_price=price,
        total=price,
        # The seller sends it at the sample's price: no delivery charge, no terms.
        shipping_price=ARRANGED_BY_SELLER.price,
        shipping_method=ARRANGED_BY_SELLER.method,
        currency=listing.currency,
        status="paid" if free else "pending",
        shipping_address=data.shipping_address.model_dump(mode="json"),
        purchase_order_reference=data.purchase_order_reference,
        status_history=history,
        expires_at=now + timedelta(minutes=settings.order_expiry_minutes),
        paid_at=now if free else None,
        # A free sample is paid with nothing charged: no commission, nothing to pay out.
        platform_fee=ZERO_MONEY if free else None,
        created_at=now,
        updated_at=now,
    )
    if not await repository.add_sample(session, transaction):
        raise SampleAlreadyOpen()
    _count(session, transaction.status)
    return transaction


def _insufficient(
    listing: stock.Listing, lot_code: str | None = None, available: Decimal | None = None
) -> InsufficientQuantity:
    left = listing.quantity if available is None else available
    of = f" in lot {lot_code}" if lot_code is not None else ""
    return InsufficientQuantity(f"Only {left.normalize():f} {listing.unit} available{of}.")


async def _refused(
    session: AsyncSession, read: stock.Listing, quantity: Decimal, lot_code: str | None = None
) -> NoReturn:
    """Why the reservation took nothing: the listing (or the lot) changed since it was read."""
    current = await stock.get_listing(session, read.id)
    if current is None or current.deleted or current.status in HIDDEN_STATUSES:
        raise MaterialNotFound()
    if current.status != stock.PURCHASABLE or current.quantity < quantity:
        raise _insufficient(current)
    if lot_code is not None:
        left = await stock.lot_quantity(session, read.id, lot_code)
        if left is None or left < quantity:
            raise _insufficient(current, lot_code, left or Decimal(0))
    raise ListingChanged()


def estimated_delivery_date(transaction: Transaction) -> date | None:
    """The latest expected delivery day: paid (or, while unpaid, ordered) + the quoted days."""
    if transaction.delivery_days_max is None:
        return None
    start = transaction.paid_at or transaction.created_at
    return start.astimezone(UTC).date() + timedelta(days=transaction.delivery_days_max)


async def get_transaction(
    session: AsyncSession, user: User, transaction_id: uuid.UUID
) -> TransactionView:
    view = await repository.get_view(session, transaction_id)
    if view is None or user.id not in (view.transaction.buyer_id, view.transaction.seller_id):
        raise TransactionNotFound()
    return view


async def get_for_operator(session: AsyncSession, transaction_id: uuid.UUID) -> TransactionView:
    """Any order, for an operator (the caller checked the role)."""
    view = await repository.get_view(session, transaction_id)
    if view is None:
        raise TransactionNotFound()
    return view


async def list_transactions(
    session: AsyncSession,
    user: User,
    role: Literal["buyer", "seller"] | None,
    status: str | None,
    page: Page,
) -> tuple[list[TransactionView], int]:
    return await repository.list_views(session, user.id, role, status, page.offset, page.limit)


def seller_payout(transaction: Transaction) -> Decimal | None:
    """What the seller is owed: the total less the commission and the refunds (null unpaid)."""
    if transaction.platform_fee is None:
        return None
    return transaction.total - transaction.platform_fee - transaction.refunded_amount


def _status_change(transaction: Transaction, target: str, now: datetime) -> dict[str, Any]:
    """The columns a move to `target` sets."""
    change: dict[str, Any] = {
        "status": target,
        "updated_at": now,
        "status_history": [*transaction.status_history, {"status": target, "at": rfc3339(now)}],
    }
    if target == "paid":
        change["paid_at"] = now
    return change


def _apply(transaction: Transaction, target: str, now: datetime) -> None:
    for name, value in _status_change(transaction, target, now).items():
        setattr(transaction, name, value)


def _notice(transaction: Transaction, user_id: uuid.UUID, status: str | None = None) -> Companion:
    """`user_id`'s notification (a party of the order) of its new status (or `status`, the
    one it is being given)."""
    kind, title, body = NOTICES[status or transaction.status]
    text = body.format(
        quantity=format(transaction.quantity.normalize(), "f"),
        unit=transaction.unit,
        total=f"{transaction.total} {transaction.currency}",
    )
    link = f"/transactions/{transaction.id}"
    return notifications.recording(user_id, kind, title, text, link)


async def _tell(
    session: AsyncSession, transaction: Transaction, recipients: list[uuid.UUID]
) -> None:
    """Notify `recipients` (parties of the order) of its new status."""
    for user_id in recipients:
        await notifications.record(session, _notice(transaction, user_id))


def _other_party(transaction: Transaction, user_id: uuid.UUID) -> uuid.UUID:
    return transaction.seller_id if user_id == transaction.buyer_id else transaction.buyer_id


async def _cancel(
    session: AsyncSession, cache: Cache, transaction: Transaction, now: datetime
) -> None:
    """Cancel a locked pending transaction and give its stock back, exactly once: the status
    change and the release happen under the same row lock."""
    _apply(transaction, "cancelled", now)
    _count(session, "cancelled")
    if transaction.kind == "sample":
        return  # a sample took no stock
    # Only a sold-out listing back on sale changes what searches return; otherwise its
    # quantity alone changed.
    reopened = await stock.release(
        session, transaction.material_id, transaction.quantity, transaction.lot_code
    )
    caching.invalidate_after_commit(
        session, cache, [transaction.material_id], stock_only=not reopened
    )


async def change_status(
    session: AsyncSession,
    settings: Settings,
    cache: Cache,
    gateway: "PaymentGateway",
    user: User,
    transaction_id: uuid.UUID,
    data: StatusUpdate,
) -> Transaction:
    transaction = await repository.lock(session, transaction_id)
    if transaction is None or user.id not in (transaction.buyer_id, transaction.seller_id):
        raise TransactionNotFound()
    actor = Actor.BUYER if user.id == transaction.buyer_id else Actor.SELLER
    verdict = judge(transaction.status, data.status, actor)
    if verdict is Verdict.INVALID:
        raise InvalidTransition(f"A {transaction.status} transaction cannot become {data.status}.")
    if verdict is Verdict.WRONG_PARTY:
        raise WrongParty()
    if data.status != "shipped":
        if data.tracking_number is not None:
            raise field_error("tracking_number", "Only a shipment has a tracking number.")
        if data.carrier is not None:
            raise field_error("carrier", "Only a shipment has a carrier.")
    now = _now()
    if data.status == "cancelled" and transaction.status == "paid":
        # Refunds build on this module (they cancel through apply_refund below).
        from fabricloop.refunds import service as refunds

        await refunds.refund_remaining(
            session, cache, gateway, transaction, "Cancelled by the seller.", user.id
        )
    elif data.status == "cancelled":
        from fabricloop.payments import service as payments

        if await payments.close_open_intents(session, settings, gateway, transaction):
            raise InvalidTransition(
                "The order was paid meanwhile; it can no longer be cancelled this way.",
                commit_changes=True,
            )
        await _cancel(session, cache, transaction, now)
    else:
        _apply(transaction, data.status, now)
        if data.status == "shipped":
            transaction.carrier = data.carrier
            transaction.tracking_number = data.tracking_number
        _count(session, data.status)
        if data.status == "completed":
            for hook in COMPLETION_HOOKS:
                await hook(session, gateway, transaction)
    await _tell(session, transaction, [_other_party(transaction, user.id)])
    await repository.flush(session)
    return transaction


async def lock_for_payment(
    session: AsyncSession, buyer: User, transaction_id: uuid.UUID
) -> Transaction:
    """The buyer's transaction, locked so that concurrent payments of it are serialised."""
    transaction = await repository.lock(session, transaction_id)
    if transaction is None or transaction.buyer_id != buyer.id:
        raise TransactionNotFound()
    return transaction


async def lock_by_id(session: AsyncSession, transaction_id: uuid.UUID) -> Transaction | None:
    return await repository.lock(session, transaction_id)


async def mark_paid(
    session: AsyncSession,
    transaction: Transaction,
    platform_fee: Decimal,
    companions: Sequence[Companion] = (),
) -> bool:
    """Make a locked transaction paid if it is still pending, with the platform's commission;
    its seller's payout is held until it completes. Never moves it backwards. `companions`
    (the payment's ledger entries, the payment itself) and the seller's notification are
    written with the change, by its statement, only if it is made."""
    if judge(transaction.status, "paid", Actor.SYSTEM) is not Verdict.ALLOWED:
        return False
    # One UPDATE ... RETURNING, not the unit of work's flush: every payment runs it.
    change = _status_change(transaction, "paid", _now())
    change |= {"platform_fee": platform_fee, "payout_status": "held"}
    # The seller's notification rides in the same statement.
    notice = _notice(transaction, transaction.seller_id, "paid")
    row = await repository.write(session, transaction, change, (*companions, notice))
    notifications.announce(session, notice, row)
    _count(session, "paid")
    return True


async def complete(session: AsyncSession, transaction: Transaction) -> None:
    """The auto-complete job completes a locked shipped order the buyer left unconfirmed."""
    _apply(transaction, "completed", _now())
    _count(session, "completed")
    await repository.flush(session)


def set_payout_status(transaction: Transaction, status: str) -> None:
    transaction.payout_status = status
    transaction.updated_at = _now()


async def lock_shipped_before(
    session: AsyncSession, cutoff: datetime, limit: int
) -> list[Transaction]:
    return await repository.lock_shipped_before(session, cutoff, limit)


async def lock_awaiting_payout(
    session: AsyncSession, seller_id: uuid.UUID | None, limit: int
) -> list[Transaction]:
    return await repository.lock_awaiting_payout(session, seller_id, limit)


async def lock_overdue(session: AsyncSession, now: datetime, limit: int) -> list[Transaction]:
    return await repository.lock_overdue(session, now, limit)


async def shipped_at(session: AsyncSession, transaction_id: uuid.UUID) -> datetime | None:
    return await repository.get_shipped_at(session, transaction_id)


async def payout_balances(
    session: AsyncSession, seller_id: uuid.UUID
) -> list[tuple[str, str, Decimal]]:
    return await repository.payout_balances(session, seller_id)


async def apply_refund(
    session: AsyncSession,
    cache: Cache,
    transaction: Transaction,
    amount: Decimal,
    platform_fee: Decimal,
    payout_status: str,
) -> None:
    """Record a refund on a locked paid transaction. Refunded in full before shipping, it is
    cancelled and its stock returned."""
    transaction.refunded_amount += amount
    transaction.platform_fee = platform_fee
    transaction.payout_status = payout_status
    transaction.updated_at = _now()
    if transaction.refunded_amount == transaction.total and transaction.status == "paid":
        await _cancel(session, cache, transaction, transaction.updated_at)
    await repository.flush(session)


async def expire(session: AsyncSession, cache: Cache, transaction: Transaction) -> None:
    """Cancel a locked pending transaction found past its expiry before the job got to it."""
    await _cancel(session, cache, transaction, _now())
    await _tell(session, transaction, [transaction.buyer_id, transaction.seller_id])
    await repository.flush(session)


async def cancel_pending_of(session: AsyncSession, cache: Cache, user_id: uuid.UUID) -> int:
    """Cancel every unpaid order of a user whose account is closing, as buyer or seller: no
    one can pay for an order that will never be shipped, and the stock goes back at once."""
    pending = await repository.lock_pending_of(session, user_id)
    now = _now()
    for transaction in pending:  # ordered by listing: no deadlock with the expiry job
        await _cancel(session, cache, transaction, now)
        await _tell(session, transaction, [_other_party(transaction, user_id)])
    await repository.flush(session)
    return len(pending)


async def expire_overdue(session: AsyncSession, cache: Cache, now: datetime | None = None) -> int:
    """Cancel unpaid orders past their expiry and release their stock; returns how many."""
    now = now or _now()
    overdue = await repository.lock_overdue(session, now, EXPIRY_BATCH)
    # Materials in a fixed order, so two runs can't deadlock on each other's listings.
    for transaction in sorted(overdue, key=lambda t: (str(t.material_id), str(t.id))):
        await _cancel(session, cache, transaction, now)
        await _tell(session, transaction, [transaction.buyer_id, transaction.seller_id])
    await repository.flush(session)
    return len(overdue)
