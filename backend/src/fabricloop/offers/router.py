import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache, AppSettings
from fabricloop.core.errors import InvalidQuery, Unauthorized, Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.materials.errors import ListingBusy, MaterialNotFound
from fabricloop.offers import service
from fabricloop.offers.errors import (
    NotLastRound,
    NotYourTurn,
    OfferNotFound,
    OfferNotOpen,
    OwnListing,
)
from fabricloop.offers.repository import OfferView
from fabricloop.offers.schemas import (
    Accept,
    Counter,
    OfferCreate,
    OfferList,
    OfferOut,
    OfferStatus,
    Round,
)
from fabricloop.transactions.errors import (
    BelowMinimumOrder,
    InsufficientQuantity,
    InvalidIncrement,
    ListingChanged,
)
from fabricloop.transactions.schemas import Party

router = APIRouter(prefix="/api/offers", tags=["offers"])

TERMS_ERRORS = (BelowMinimumOrder, InvalidIncrement, Unprocessable, InsufficientQuantity)
TURN_ERRORS = (Unauthorized, NotYourTurn, OfferNotFound, OfferNotOpen)


def offer_out(view: OfferView) -> OfferOut:
    o = view.offer
    at = service.now()
    current = service.effective_status(o, at)
    return OfferOut(
        offer_id=o.id,
        material_id=o.material_id,
        material_title=view.material_title,
        buyer=Party(
            user_id=o.buyer_id, company_name=view.buyer_company, verified=view.buyer_verified
        ),
        seller=Party(
            user_id=o.seller_id, company_name=view.seller_company, verified=view.seller_verified
        ),
        lot_code=o.lot_code,
        quantity=o.quantity,
        unit_price=o.unit_price,
        currency=o.currency,
        status=current,
        next_by=("seller" if o.last_by == "buyer" else "buyer") if current == "open" else None,
        expires_at=o.expires_at,
        rounds=[Round.model_validate(r) for r in o.rounds],
        transaction_id=o.transaction_id,
        created_at=o.created_at,
        updated_at=o.updated_at,
    )


async def _out(session: DbSession, user: CurrentUser, offer_id: uuid.UUID) -> OfferOut:
    return offer_out(await service.get_offer(session, user, offer_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    description="The buyer's first round. `quantity` is checked as an order's would be "
    "(422 `below_minimum_order`, `invalid_increment`, a lot required on a listing sold by "
    "lot; 409 `insufficient_quantity` beyond the stock), in the listing's `currency`. The "
    "offer expires `OFFER_TTL_HOURS` (72) after its latest round. The round is also a "
    "message to the seller about the listing.",
    responses=responses(Unauthorized, OwnListing, MaterialNotFound, *TERMS_ERRORS),
)
async def create_offer(
    data: OfferCreate, user: CurrentUser, session: DbSession, settings: AppSettings
) -> OfferOut:
    """Make an offer on someone else's listing."""
    offer = await service.create_offer(session, settings, user, data)
    return await _out(session, user, offer.id)


@router.get("", responses=responses(Unauthorized, InvalidQuery))
async def list_offers(
    user: CurrentUser,
    session: DbSession,
    page: Pagination,
    role: Annotated[
        Literal["buyer", "seller"] | None,
        Query(description="Offers made (buyer) or received (seller); both when absent."),
    ] = None,
    status: Annotated[OfferStatus | None, Query()] = None,
) -> OfferList:
    """The caller's offers, latest activity first."""
    views, total = await service.list_offers(session, user, role, status, page)
    return OfferList(
        offers=[offer_out(v) for v in views], total=total, page=page.page, limit=page.limit
    )


@router.get("/{offer_id}", responses=responses(Unauthorized, OfferNotFound))
async def get_offer(offer_id: uuid.UUID, user: CurrentUser, session: DbSession) -> OfferOut:
    """One offer with its rounds, to its parties."""
    return await _out(session, user, offer_id)


@router.post(
    "/{offer_id}/counter",
    description="A new round by the party who did not make the last one (403 "
    "`forbidden` otherwise); it restarts the expiry. 409 `offer_not_open` once the offer "
    "is accepted, declined, withdrawn or expired.",
    responses=responses(*TURN_ERRORS, *TERMS_ERRORS),
)
async def counter_offer(
    offer_id: uuid.UUID,
    data: Counter,
    user: CurrentUser,
    session: DbSession,
    settings: AppSettings,
) -> OfferOut:
    """Counter the last round with another quantity and price."""
    await service.counter(session, settings, user, offer_id, data)
    return await _out(session, user, offer_id)


@router.post(
    "/{offer_id}/accept",
    description="By the party who did not make the last round: a pending order of the "
    "latest round's quantity at its price, its stock reserved as for any order (409 "
    "`insufficient_quantity` when it is gone). The order's address is the buyer's: given "
    "with the offer or in this body (the buyer only); without one it is null.",
    responses=responses(*TURN_ERRORS, *TERMS_ERRORS, ListingChanged, ListingBusy),
)
async def accept_offer(
    offer_id: uuid.UUID,
    user: CurrentUser,
    session: DbSession,
    settings: AppSettings,
    cache: AppCache,
    data: Accept | None = None,
) -> OfferOut:
    """Accept the last round: places the order."""
    await service.accept(session, settings, cache, user, offer_id, data or Accept())
    return await _out(session, user, offer_id)


@router.post("/{offer_id}/decline", responses=responses(*TURN_ERRORS))
async def decline_offer(offer_id: uuid.UUID, user: CurrentUser, session: DbSession) -> OfferOut:
    """Decline the last round (the party who did not make it)."""
    await service.close(session, user, offer_id, "declined")
    return await _out(session, user, offer_id)


@router.post(
    "/{offer_id}/withdraw",
    responses=responses(Unauthorized, NotLastRound, OfferNotFound, OfferNotOpen),
)
async def withdraw_offer(offer_id: uuid.UUID, user: CurrentUser, session: DbSession) -> OfferOut:
    """Withdraw your own last round."""
    await service.close(session, user, offer_id, "withdrawn")
    return await _out(session, user, offer_id)
