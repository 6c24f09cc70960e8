import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response

from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import InvalidSession
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache
from fabricloop.core.errors import InvalidQuery, Unprocessable, responses
from fabricloop.materials.errors import MaterialNotFound
from fabricloop.materials.schemas import Country
from fabricloop.shipping import service
from fabricloop.shipping.errors import (
    NotShippedToCountry,
    PickupUnavailable,
    ProfileNotAllowed,
    ShippingProfileNotFound,
)
from fabricloop.shipping.schemas import (
    ShippingProfileIn,
    ShippingProfileOut,
    ShippingQuote,
    ZoneOut,
)

router = APIRouter(prefix="/api", tags=["shipping"])

PROFILE = "/account/shipping-profile"


def _profile_out(stored: service.StoredProfile) -> ShippingProfileOut:
    p = stored.profile
    return ShippingProfileOut(
        ships_from=p.ships_from,
        handling_days=p.handling_days,
        incoterm=p.incoterm,
        pickup_available=p.pickup_available,
        zones=[ZoneOut.model_validate(z, from_attributes=True) for z in stored.zones],
        updated_at=p.updated_at,
    )


@router.get(
    PROFILE, responses=responses(InvalidSession, ProfileNotAllowed, ShippingProfileNotFound)
)
async def get_shipping_profile(user: CurrentUser, session: DbSession) -> ShippingProfileOut:
    """Your shipping profile (manufacturers); 404 until you have saved one."""
    return _profile_out(await service.get_profile(session, user))


@router.put(
    PROFILE,
    responses=responses(InvalidSession, ProfileNotAllowed, Unprocessable),
    description="Replaces the whole profile. Zone prices are amounts in each listing's own "
    "currency; a country belongs to at most one zone (422 naming the repeat otherwise). "
    "Without a profile, orders are `arranged_by_seller` at no shipping price. Cached quotes "
    "of your listings are retired at once.",
)
async def put_shipping_profile(
    data: ShippingProfileIn, user: CurrentUser, session: DbSession, cache: AppCache
) -> ShippingProfileOut:
    """Set how you ship: origin, handling days, incoterm, zones and pickup."""
    return _profile_out(await service.put_profile(session, cache, user, data))


@router.get(
    "/materials/{material_id}/shipping-quote",
    response_model=ShippingQuote,
    responses=responses(InvalidQuery, MaterialNotFound, NotShippedToCountry, PickupUnavailable),
    description="What delivering `quantity` of a public listing to `country` costs, as an "
    "order placed now would be charged (`goods_total` at the price tier the quantity "
    "reaches): the zone's `base_price + price_per_kg x weight_kg` "
    "rounded half-up to cents, 0 once the goods total reaches the zone's `free_over`. "
    "`pickup=true` quotes collection instead (422 `pickup_unavailable` when not offered). "
    "A country outside every zone of a seller with a profile is 422 "
    "`not_shipped_to_country` (`pickup_available` says whether collection is an option). "
    "Quotes are cached for 5 minutes; a change of the listing or of the seller's profile "
    "retires them.",
)
async def get_shipping_quote(
    material_id: uuid.UUID,
    session: DbSession,
    cache: AppCache,
    country: Annotated[Country, Query(description="ISO 3166-1 alpha-2 destination.")],
    quantity: Annotated[
        Decimal,
        Query(gt=0, max_digits=14, decimal_places=3, description="In the listing's unit."),
    ],
    pickup: Annotated[bool, Query(description="Quote collection from the seller.")] = False,
    lot_code: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            description="For a listing sold by lot: the lot (400 when unknown).",
        ),
    ] = None,
) -> Response:
    """The shipping price, incoterm and delivery estimate of a listing for a country."""
    seen, cached = await service.cached_quote(
        cache, material_id, country, quantity, lot_code, pickup
    )
    if cached is not None:
        return Response(cached, media_type="application/json")
    body = await service.quote(
        session, cache, seen, material_id, country, quantity, lot_code, pickup=pickup
    )
    return Response(body, media_type="application/json")
