"""Shipping arithmetic, free of I/O: which zone serves a country, what delivery costs and how
long it takes. Money is Decimal, rounded half-up to cents once, at the end."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from fabricloop.shipping.errors import NotShippedToCountry, PickupUnavailable

CENT = Decimal("0.01")
Method = Literal["zone", "pickup", "arranged_by_seller"]


@dataclass(frozen=True, slots=True)
class Zone:
    name: str
    countries: tuple[str, ...]
    base_price: Decimal
    price_per_kg: Decimal
    free_over: Decimal | None
    transit_days_min: int
    transit_days_max: int


@dataclass(frozen=True, slots=True)
class Profile:
    ships_from: str
    handling_days: int
    incoterm: str
    pickup_available: bool
    zones: tuple[Zone, ...]

    def zone_for(self, country: str) -> Zone | None:
        return next((z for z in self.zones if country in z.countries), None)


@dataclass(frozen=True, slots=True)
class Charge:
    """What delivery of one order costs and takes; days are None when the seller arranges it."""

    price: Decimal
    method: Method
    incoterm: str | None
    days_min: int | None
    days_max: int | None
    zone: str | None = None


ARRANGED_BY_SELLER = Charge(Decimal("0.00"), "arranged_by_seller", None, None, None)


def zone_price(zone: Zone, weight_kg: Decimal, goods_total: Decimal) -> Decimal:
    """base + per kg x weight, rounded half-up to cents; nothing from `free_over` up."""
    if zone.free_over is not None and goods_total >= zone.free_over:
        return Decimal("0.00")
    return (zone.base_price + zone.price_per_kg * weight_kg).quantize(CENT, ROUND_HALF_UP)


def charge(
    profile: Profile | None,
    country: str | None,
    weight_kg: Decimal,
    goods_total: Decimal,
    *,
    pickup: bool = False,
) -> Charge:
    """The delivery of `weight_kg` worth `goods_total` to `country` (or picked up)."""
    if profile is None:
        if pickup:
            raise PickupUnavailable()
        return ARRANGED_BY_SELLER
    if pickup:
        if not profile.pickup_available:
            raise PickupUnavailable()
        days = profile.handling_days
        return Charge(Decimal("0.00"), "pickup", "EXW", days, days)
    zone = profile.zone_for(country) if country is not None else None
    if zone is None:
        raise NotShippedToCountry(
            f"The seller does not ship to {country}."
            + (" Pickup is available." if profile.pickup_available else ""),
            extra={"pickup_available": profile.pickup_available},
        )
    return Charge(
        zone_price(zone, weight_kg, goods_total),
        "zone",
        profile.incoterm,
        profile.handling_days + zone.transit_days_min,
        profile.handling_days + zone.transit_days_max,
        zone.name,
    )
