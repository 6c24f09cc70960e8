import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession, one_statement
from fabricloop.core.deps import AppCache, AppSettings, cache_of, settings_of
from fabricloop.core.errors import InvalidQuery, Unauthorized, Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.materials.errors import ListingBusy, MaterialNotFound
from fabricloop.payments.deps import AppGateway
from fabricloop.payments.errors import GatewayDown
from fabricloop.refunds.errors import RefundRefused
from fabricloop.shipping.errors import NotShippedToCountry, PickupUnavailable
from fabricloop.shipping.tracking import tracking_url
from fabricloop.transactions import service
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
from fabricloop.transactions.repository import TransactionView
from fabricloop.transactions.schemas import (
    Party,
    StatusUpdate,
    StatusUpdated,
    TransactionCreate,
    TransactionCreated,
    TransactionDetail,
    TransactionList,
    TransactionStatus,
    TransactionSummary,
)

router = APIRouter(prefix="/api/transactions", tags=["transactions"])


def _summary_fields(view: TransactionView) -> dict[str, object]:
    t = view.transaction
    return {
        "transaction_id": t.id,
        "kind": t.kind,
        "material_id": t.material_id,
        "material_title": view.material_title,
        "lot_code": t.lot_code,
        "quantity": t.quantity,
        "unit": t.unit,
        "unit_price": t.unit_price,
        "goods_total": t.goods_total,
        "shipping_price": t.shipping_price,
        "shipping_method": t.shipping_method,
        "total": t.total,
        "currency": t.currency,
        "status": t.status,
        "buyer": Party(
            user_id=t.buyer_id, company_name=view.buyer_company, verified=view.buyer_verified
        ),
        "seller": Party(
            user_id=t.seller_id, company_name=view.seller_company, verified=view.seller_verified
        ),
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    description="The unit price is the listing's `price_tiers` tier the quantity reaches "
    "(else its `price`); `goods_total` is unit price times quantity, rounded half-up to "
    "cents; `shipping_price` follows the seller's shipping profile for the address's country "
    "(the shipping quote's rules) and `total` = goods_total + shipping_price, all fixed now. "
    "A seller without a profile arranges delivery (`arranged_by_seller`, 0). `pickup: true` "
    "collects from the seller where offered, no address needed. An address the seller does "
    "not ship to is 422 `not_shipped_to_country`, pickup where not offered 422 "
    "`pickup_unavailable`, both before any stock is reserved. `quantity`: at most 3 "
    "decimals, whole for `roll` and `piece`. A draft, archived, "
    "deleted or unknown listing is 404; more than is left (of the listing or of the lot; a "
    "`sold_out` listing included) is 409 `insufficient_quantity`; your own listing is 422 "
    "`cannot_buy_own_material`; below the listing's `min_order_quantity` is 422 "
    "`below_minimum_order` and off its `order_increment` steps 422 `invalid_increment`, "
    "unless the order takes all that is left (of the lot, for a listing sold by lot); a "
    "listing with lots needs `lot_code` (422), an unknown lot code is 422. A price or unit "
    "changed by the seller at that very moment is 409 `listing_changed`; an "
    "`expected_unit_price` other than the order's unit price (for its quantity; a "
    "sample's: the listing's `sample_price`) is 409 "
    "`price_changed`, whose one detail (field `expected_unit_price`) carries "
    "`current_unit_price` and `currency`; too many buyers "
    "queued on one listing is 503 with `Retry-After`. Unpaid orders are cancelled after "
    "`ORDER_EXPIRY_MINUTES` (30) and their stock released. `kind: sample` orders the "
    "listing's sample: 422 `samples_unavailable` when it offers none, 409 "
    "`sample_already_ordered` while the buyer has an open (pending, paid or shipped) sample "
    "order of the listing.",
    responses=responses(
        Unauthorized,
        MaterialNotFound,
        InsufficientQuantity,
        CannotBuyOwnMaterial,
        BelowMinimumOrder,
        InvalidIncrement,
        SamplesUnavailable,
        SampleAlreadyOpen,
        NotShippedToCountry,
        PickupUnavailable,
        Unprocessable,
        ListingChanged,
        PriceChanged,
        ListingBusy,
    ),
)
@one_statement  # the order (or sample) and its stock: one INSERT, nothing else written
async def create_transaction(
    data: TransactionCreate, user: CurrentUser, session: DbSession, request: Request
) -> TransactionCreated:
    """Buy a quantity of a listing: reserves the stock; pay within the expiry or it is released."""
    t = await service.create_transaction(
        session, settings_of(request), cache_of(request), user, data
    )
    return TransactionCreated(
        transaction_id=t.id,
        status=t.status,
        goods_total=t.goods_total,
        shipping_price=t.shipping_price,
        shipping_method=t.shipping_method,
        total=t.total,
        currency=t.currency,
        created_at=t.created_at,
    )


@router.get("", responses=responses(Unauthorized, InvalidQuery))
async def list_transactions(
    user: CurrentUser,
    session: DbSession,
    page: Pagination,
    role: Annotated[
        Literal["buyer", "seller"] | None,
        Query(description="Only purchases (buyer) or sales (seller); both when absent."),
    ] = None,
    status: Annotated[TransactionStatus | None, Query()] = None,
) -> TransactionList:
    """The caller's transactions, newest first."""
    views, total = await service.list_transactions(session, user, role, status, page)
    return TransactionList(
        transactions=[TransactionSummary.model_validate(_summary_fields(v)) for v in views],
        total=total,
        page=page.page,
        limit=page.limit,
    )


@router.get(
    "/{transaction_id}",
    responses=responses(Unauthorized, TransactionNotFound),
    description="`platform_fee` (the platform's commission, null until paid) and "
    "`seller_payout` (`total - platform_fee - refunded_amount`) are shown to the seller only; "
    "the buyer gets null for both.",
)
async def get_transaction(
    transaction_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> TransactionDetail:
    """One transaction, to its buyer or seller."""
    view = await service.get_transaction(session, user, transaction_id)
    t = view.transaction
    is_seller = user.id == t.seller_id
    return TransactionDetail.model_validate(
        {
            **_summary_fields(view),
            "platform_fee": t.platform_fee if is_seller else None,
            "seller_payout": service.seller_payout(t) if is_seller else None,
            "refunded_amount": t.refunded_amount,
            "payout_status": t.payout_status,
            "shipping_address": t.shipping_address,
            "purchase_order_reference": t.purchase_order_reference,
            "status_history": t.status_history,
            "incoterm": t.incoterm,
            "estimated_days": None
            if t.delivery_days_min is None
            else {"min": t.delivery_days_min, "max": t.delivery_days_max},
            "estimated_delivery_date": service.estimated_delivery_date(t),
            "carrier": t.carrier,
            "tracking_number": t.tracking_number,
            "tracking_url": tracking_url(t.carrier, t.tracking_number),
            "expires_at": t.expires_at,
            "paid_at": t.paid_at,
        }
    )


@router.post(
    "/{transaction_id}/status",
    responses=responses(
        Unauthorized,
        WrongParty,
        TransactionNotFound,
        InvalidTransition,
        Unprocessable,
        RefundRefused,
        GatewayDown,
    ),
    description="`cancelled` by the seller of a paid order (before shipping) refunds the "
    "buyer in full through the payment provider and returns the stock; the provider being "
    "unreachable is a 503 and nothing changes.",
)
async def update_transaction_status(
    transaction_id: uuid.UUID,
    data: StatusUpdate,
    user: CurrentUser,
    session: DbSession,
    settings: AppSettings,
    cache: AppCache,
    gateway: AppGateway,
) -> StatusUpdated:
    """Ship (seller, once paid, with carrier and tracking number), complete (buyer, once
    shipped), cancel (either while pending; the seller while paid, refunding the buyer in
    full)."""
    t = await service.change_status(session, settings, cache, gateway, user, transaction_id, data)
    return StatusUpdated(transaction_id=t.id, status=t.status, updated_at=t.updated_at)
