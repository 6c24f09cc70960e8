"""Offers: a buyer proposes a quantity and price on a listing, the parties take turns to
counter, and either accepts, declines or withdraws. Each round is also a message in the
parties' conversation about the listing. Acceptance places a pending order at the agreed
price, reserving its stock as any order does."""

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.errors import field_error
from fabricloop.core.pagination import Page
from fabricloop.materials import stock
from fabricloop.materials.errors import MaterialNotFound
from fabricloop.materials.stock import Listing
from fabricloop.messages import service as messages
from fabricloop.messages.schemas import SendMessageRequest
from fabricloop.offers import repository
from fabricloop.offers.errors import (
    NotLastRound,
    NotYourTurn,
    OfferNotFound,
    OfferNotOpen,
    OwnListing,
)
from fabricloop.offers.models import Offer
from fabricloop.offers.repository import OfferView
from fabricloop.offers.schemas import Accept, Counter, OfferCreate
from fabricloop.transactions import service as transactions
from fabricloop.transactions.errors import InsufficientQuantity

Side = Literal["buyer", "seller"]


def now() -> datetime:
    return datetime.now(UTC)


def effective_status(offer: Offer, at: datetime) -> str:
    """An open offer past its expiry is expired, recorded or not."""
    return "expired" if offer.status == "open" and offer.expires_at <= at else offer.status


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _terms_text(listing: Listing, quantity: Decimal, unit_price: Decimal, lot: str | None) -> str:
    of_lot = f" from lot {lot}" if lot else ""
    return (
        f"{_amount(quantity)} {listing.unit}{of_lot} at {unit_price:.2f} {listing.currency} "
        f"per {listing.unit}"
    )


# The notification a round sends, by what the round did (declines and withdrawals are told
# as plain messages).
NOTICES: dict[str, tuple[str, str]] = {
    "offer": ("offer_received", "New offer from {company}"),
    "counter": ("offer_countered", "Counter-offer from {company}"),
    "accept": ("offer_accepted", "{company} accepted your offer"),
}


async def _tell(
    session: AsyncSession,
    sender: User,
    recipient_id: uuid.UUID,
    listing: Listing,
    text: str,
    offer: Offer,
    move: str | None = None,
) -> None:
    """The round, as a message in the parties' conversation with the listing as context (or
    without it, once the listing is hidden from the sender); an offer, a counter-offer or an
    acceptance notifies as such, linking to the offer."""
    notice = None
    if move is not None:
        kind, title = NOTICES[move]
        notice = messages.Notice(
            kind, title.format(company=sender.company_name), f"/offers/{offer.id}"
        )
    request = SendMessageRequest(recipient_id=recipient_id, material_id=listing.id, content=text)
    try:
        await messages.send(session, sender, request, notice)
    except MaterialNotFound:
        await messages.send(
            session, sender, request.model_copy(update={"material_id": None}), notice
        )


async def _orderable(
    session: AsyncSession, buyer_id: uuid.UUID, listing: Listing, quantity: Decimal, lot: str | None
) -> transactions.Order:
    """The quantity checked as an order's (minimum, steps, whole units, lot), with stock."""
    order = await transactions.check_order(session, buyer_id, listing, quantity, lot)
    if listing.status != "active" or order.available < order.quantity:
        raise InsufficientQuantity(
            f"Only {_amount(order.available)} {listing.unit} available"
            + (f" in lot {lot}." if lot else ".")
        )
    return order


def _round(side: Side, quantity: Decimal, unit_price: Decimal, at: datetime) -> dict[str, str]:
    return {
        "by": side,
        "quantity": str(quantity),
        "unit_price": str(unit_price),
        "at": _rfc3339(at),
    }


async def create_offer(
    session: AsyncSession, settings: Settings, buyer: User, data: OfferCreate
) -> Offer:
    listing = await transactions.listing_for(session, buyer.id, data.material_id)
    if listing.seller_id == buyer.id:
        raise OwnListing()
    if data.currency != listing.currency:
        raise field_error("currency", f"Offers on this listing are in {listing.currency}.")
    order = await _orderable(session, buyer.id, listing, data.quantity, data.lot_code)
    at = now()
    offer = await repository.add(
        session,
        Offer(
            material_id=listing.id,
            buyer_id=buyer.id,
            seller_id=listing.seller_id,
            lot_code=data.lot_code,
            quantity=order.quantity,
            unit_price=data.unit_price,
            currency=listing.currency,
            status="open",
            last_by="buyer",
            rounds=[_round("buyer", order.quantity, data.unit_price, at)],
            shipping_address=(
                data.shipping_address.model_dump(mode="json") if data.shipping_address else None
            ),
            expires_at=at + timedelta(hours=settings.offer_ttl_hours),
            created_at=at,
            updated_at=at,
        ),
    )
    text = f"Offer: {_terms_text(listing, order.quantity, data.unit_price, data.lot_code)}."
    await _tell(
        session, buyer, listing.seller_id, listing, _with_note(text, data.message), offer, "offer"
    )
    return offer


def _with_note(text: str, note: str | None) -> str:
    return f"{text}\n\n{note}" if note else text


async def _open_turn(
    session: AsyncSession, user: User, offer_id: uuid.UUID, *, answering: bool
) -> tuple[Offer, Side]:
    """The offer locked for the caller's move. `answering`: the move is the other party's to
    the last round (counter, accept, decline); else the last round's own (withdraw)."""
    offer = await repository.lock(session, offer_id)
    if offer is None or user.id not in (offer.buyer_id, offer.seller_id):
        raise OfferNotFound()
    side: Side = "buyer" if user.id == offer.buyer_id else "seller"
    at = now()
    if effective_status(offer, at) == "expired" and offer.status == "open":
        offer.status, offer.updated_at = "expired", at
        await repository.save(session)
        # The expiry is recorded although the request fails.
        raise OfferNotOpen("This offer has expired.", commit_changes=True)
    if offer.status != "open":
        raise OfferNotOpen(f"This offer is {offer.status}.")
    if answering and offer.last_by == side:
        raise NotYourTurn()
    if not answering and offer.last_by != side:
        raise NotLastRound()
    return offer, side


def _other(offer: Offer, side: Side) -> uuid.UUID:
    return offer.seller_id if side == "buyer" else offer.buyer_id


async def counter(
    session: AsyncSession, settings: Settings, user: User, offer_id: uuid.UUID, data: Counter
) -> Offer:
    offer, side = await _open_turn(session, user, offer_id, answering=True)
    listing = await transactions.listing_for(session, offer.buyer_id, offer.material_id)
    order = await _orderable(session, offer.buyer_id, listing, data.quantity, offer.lot_code)
    at = now()
    offer.quantity, offer.unit_price, offer.last_by = order.quantity, data.unit_price, side
    offer.rounds = [*offer.rounds, _round(side, order.quantity, data.unit_price, at)]
    offer.expires_at = at + timedelta(hours=settings.offer_ttl_hours)
    offer.updated_at = at
    await repository.save(session)
    text = (
        f"Counter-offer: {_terms_text(listing, order.quantity, data.unit_price, offer.lot_code)}."
    )
    note = _with_note(text, data.message)
    await _tell(session, user, _other(offer, side), listing, note, offer, "counter")
    return offer


async def accept(
    session: AsyncSession,
    settings: Settings,
    cache: Cache,
    user: User,
    offer_id: uuid.UUID,
    data: Accept,
) -> Offer:
    offer, side = await _open_turn(session, user, offer_id, answering=True)
    if data.shipping_address is not None and side != "buyer":
        raise field_error("shipping_address", "The buyer gives the order's address.")
    address = (
        data.shipping_address.model_dump(mode="json")
        if data.shipping_address is not None
        else offer.shipping_address
    )
    listing = await transactions.listing_for(session, offer.buyer_id, offer.material_id)
    order = await _orderable(session, offer.buyer_id, listing, offer.quantity, offer.lot_code)
    agreed = dataclasses.replace(order, unit_price=offer.unit_price)
    transaction = await transactions.place_order(
        session, settings, cache, offer.buyer_id, listing, agreed, address
    )
    offer.status, offer.transaction_id, offer.updated_at = "accepted", transaction.id, now()
    await repository.save(session)
    terms = _terms_text(listing, offer.quantity, offer.unit_price, offer.lot_code)
    await _tell(
        session, user, _other(offer, side), listing, f"Offer accepted: {terms}.", offer, "accept"
    )
    return offer


async def close(
    session: AsyncSession,
    user: User,
    offer_id: uuid.UUID,
    status: Literal["declined", "withdrawn"],
) -> Offer:
    """Decline (the party answering) or withdraw (the party of the last round)."""
    offer, side = await _open_turn(session, user, offer_id, answering=status == "declined")
    offer.status, offer.updated_at = status, now()
    await repository.save(session)
    # The listing may have left sale since: the parties still hear of the answer.
    listing = await stock.get_listing(session, offer.material_id)
    assert listing is not None  # offers keep their listing's row (ON DELETE RESTRICT)
    terms = _terms_text(listing, offer.quantity, offer.unit_price, offer.lot_code)
    await _tell(session, user, _other(offer, side), listing, f"Offer {status}: {terms}.", offer)
    return offer


async def get_offer(session: AsyncSession, user: User, offer_id: uuid.UUID) -> OfferView:
    view = await repository.get_view(session, offer_id)
    if view is None or user.id not in (view.offer.buyer_id, view.offer.seller_id):
        raise OfferNotFound()
    return view


async def list_offers(
    session: AsyncSession,
    user: User,
    role: Literal["buyer", "seller"] | None,
    status: str | None,
    page: Page,
) -> tuple[list[OfferView], int]:
    return await repository.list_views(
        session, user.id, role, status, now(), page.offset, page.limit
    )


async def expire_offers(session: AsyncSession) -> int:
    """The periodic job: open offers past `expires_at` become `expired` (reads already show
    them so; this records it). Idempotent: a second run finds nothing due."""
    return await repository.expire_due(session, now())
