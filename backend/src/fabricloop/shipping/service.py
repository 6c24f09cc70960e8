"""Shipping profiles (one per seller), quotes for a listing, and the charge of an order."""

import uuid
from dataclasses import dataclass, fields
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.cache import Cache
from fabricloop.core.errors import InvalidQuery, Unprocessable
from fabricloop.core.vocabulary import WHOLE_UNITS
from fabricloop.materials import stock, terms
from fabricloop.materials.errors import MaterialNotFound
from fabricloop.materials.terms import order_total, quantity_in_kg
from fabricloop.shipping import caching, pricing, repository
from fabricloop.shipping.errors import ProfileNotAllowed, ShippingProfileNotFound
from fabricloop.shipping.models import ShippingProfile, ShippingZone
from fabricloop.shipping.schemas import EstimatedDays, ShippingProfileIn, ShippingQuote

PROFILE_ROLE = "manufacturer"
PUBLIC_STATUSES = ("active", "sold_out")


@dataclass(frozen=True)
class StoredProfile:
    profile: ShippingProfile
    zones: list[ShippingZone]


def _seller(user: User) -> None:
    if user.role != PROFILE_ROLE:
        raise ProfileNotAllowed()


async def get_profile(session: AsyncSession, user: User) -> StoredProfile:
    _seller(user)
    found = await repository.get_profile(session, user.id)
    if found is None:
        raise ShippingProfileNotFound()
    return StoredProfile(*found)


def _overlaps(data: ShippingProfileIn) -> list[dict[str, str]]:
    """A country in two zones: each repeat, named by its place in the request."""
    seen: dict[str, int] = {}
    problems = []
    for z, zone in enumerate(data.zones):
        for c, country in enumerate(zone.countries):
            first = seen.setdefault(country, z)
            if first != z:
                problems.append(
                    {
                        "field": f"zones.{z}.countries.{c}",
                        "message": f"{country} is already in zone {first} "
                        f"({data.zones[first].name}); a country belongs to one zone.",
                    }
                )
    return problems


async def put_profile(
    session: AsyncSession, cache: Cache, user: User, data: ShippingProfileIn
) -> StoredProfile:
    _seller(user)
    if problems := _overlaps(data):
        raise Unprocessable(details=problems)
    await repository.replace_profile(
        session,
        user.id,
        {
            "ships_from": data.ships_from,
            "handling_days": data.handling_days,
            "incoterm": data.incoterm,
            "pickup_available": data.pickup_available,
        },
        [zone.model_dump() for zone in data.zones],
    )
    caching.invalidate_after_commit(session, cache)
    found = await repository.get_profile(session, user.id)
    assert found is not None  # written just above, in this transaction
    return StoredProfile(*found)


async def rules_of(session: AsyncSession, seller_id: uuid.UUID) -> pricing.Profile | None:
    found = await repository.get_terms(session, seller_id)
    if found is None:
        return None
    terms, zones = found
    return pricing.Profile(
        ships_from=terms["ships_from"],
        handling_days=terms["handling_days"],
        incoterm=terms["incoterm"],
        pickup_available=terms["pickup_available"],
        zones=tuple(
            # Rows by column name: the zone's columns are named as its fields.
            pricing.Zone(**{f.name: z[f.name] for f in fields(pricing.Zone)})
            for z in zones
        ),
    )


async def current_rules(
    session: AsyncSession, cache: Cache, seller_id: uuid.UUID
) -> pricing.Profile | None:
    """The seller's rules from the cache (a command in the turn's Redis batch), else from the
    database, then cached (shipping.caching: a profile change retires them before it returns)."""
    seen, cached, hit = await caching.read_rules(cache, seller_id)
    if hit:
        return cached
    rules = await rules_of(session, seller_id)
    if seen is not None:
        await caching.store_rules(cache, seen, seller_id, rules)
    return rules


async def order_charge(
    session: AsyncSession,
    cache: Cache,
    seller_id: uuid.UUID,
    country: str | None,
    weight_kg: Decimal,
    goods_total: Decimal,
    *,
    pickup: bool,
) -> pricing.Charge:
    """The delivery of an order at the seller's current rules; the caller keeps it on the
    order, so a later profile change never alters a placed order. Raises NotShippedToCountry
    or PickupUnavailable."""
    rules = await current_rules(session, cache, seller_id)
    return pricing.charge(rules, country, weight_kg, goods_total, pickup=pickup)


async def cached_quote(
    cache: Cache,
    material_id: uuid.UUID,
    country: str,
    quantity: Decimal,
    lot_code: str | None,
    pickup: bool,
) -> tuple[tuple[int, ...] | None, bytes | None]:
    """The cache's counters and the quote's JSON if it is cached and current."""
    key = caching.quote_key(material_id, country, quantity, lot_code, pickup)
    return await caching.read(cache, key)


async def _check_lot(session: AsyncSession, listing: stock.Listing, lot_code: str) -> None:
    if not listing.sold_by_lot:
        raise InvalidQuery(
            details=[{"field": "lot_code", "message": "This listing is not sold by lot."}]
        )
    if await stock.lot_quantity(session, listing.id, lot_code) is None:
        raise InvalidQuery(
            details=[{"field": "lot_code", "message": "The listing has no lot of this code."}]
        )


async def quote(
    session: AsyncSession,
    cache: Cache,
    seen: tuple[int, ...] | None,
    material_id: uuid.UUID,
    country: str,
    quantity: Decimal,
    lot_code: str | None,
    *,
    pickup: bool,
) -> bytes:
    """The quote as JSON; a public listing's is cached under the counters `seen` (read before
    the database by cached_quote)."""
    listing = await stock.get_listing(session, material_id)
    if listing is None or listing.deleted or listing.status not in PUBLIC_STATUSES:
        raise MaterialNotFound()
    if listing.unit in WHOLE_UNITS and quantity != quantity.to_integral_value():
        raise InvalidQuery(
            details=[{"field": "quantity", "message": f"Must be whole for {listing.unit}."}]
        )
    if lot_code is not None:
        await _check_lot(session, listing, lot_code)
    # The unit price an order of this quantity pays (its price tier): `free_over` compares it.
    goods = order_total(terms.unit_price(listing.price, listing.price_tiers, quantity), quantity)
    weight = quantity_in_kg(quantity, listing.unit, listing.kg_per_unit)
    rules = await current_rules(session, cache, listing.seller_id)
    charge = pricing.charge(rules, country, weight, goods, pickup=pickup)
    days = charge.days_min, charge.days_max
    body = (
        ShippingQuote(
            material_id=material_id,
            country=country,
            quantity=quantity,
            shipping_price=charge.price,
            currency=listing.currency,
            shipping_method=charge.method,
            zone=charge.zone,
            incoterm=charge.incoterm,
            weight_kg=weight,
            estimated_days=None
            if days[0] is None or days[1] is None
            else EstimatedDays(min=days[0], max=days[1]),
            goods_total=goods,
            total=goods + charge.price,
        )
        .model_dump_json()
        .encode()
    )
    if seen is not None:
        key = caching.quote_key(material_id, country, quantity, lot_code, pickup)
        await caching.store(cache, seen, key, body)
    return body
