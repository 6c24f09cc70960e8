"""A listing's terms of sale: the minimum order, the steps above it and the price tiers.

Pure functions over Decimals, shared by the listing's validation (materials) and by every
order made on it (transactions, offers)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Tier:
    min_quantity: Decimal
    price: Decimal


class QuantityProblem(StrEnum):
    BELOW_MINIMUM = "below_minimum_order"
    OFF_STEP = "invalid_increment"


def tiers_from_json(stored: Sequence[dict[str, Any]]) -> tuple[Tier, ...]:
    return tuple(Tier(Decimal(str(t["min_quantity"])), Decimal(str(t["price"]))) for t in stored)


def tiers_json(tiers: Sequence[Tier]) -> list[dict[str, str]]:
    """Stored as strings, so the JSON column keeps the Decimals exact."""
    return [{"min_quantity": str(t.min_quantity), "price": str(t.price)} for t in tiers]


def unit_price(price: Decimal, tiers: Sequence[Tier], quantity: Decimal) -> Decimal:
    """The price of the highest tier the quantity reaches, else the listing's price."""
    reached = price
    for tier in tiers:  # ascending by min_quantity
        if quantity >= tier.min_quantity:
            reached = tier.price
    return reached


def on_step(quantity: Decimal, minimum: Decimal | None, increment: Decimal | None) -> bool:
    """Whether the quantity is the minimum plus a whole number of increments (multiples of
    the increment when there is no minimum)."""
    if increment is None:
        return True
    return (quantity - (minimum or Decimal(0))) % increment == 0


def quantity_problem(
    quantity: Decimal,
    *,
    available: Decimal | None,
    minimum: Decimal | None,
    increment: Decimal | None,
) -> QuantityProblem | None:
    """Why an order of `quantity` breaks the terms, or None. Taking all that is left (of the
    listing, or of the lot) is always allowed: the last remnant need not fit the steps.
    `available` None: what is left is not known, so no order is taken for the remnant."""
    if quantity == available:
        return None
    if minimum is not None and quantity < minimum:
        return QuantityProblem.BELOW_MINIMUM
    if not on_step(quantity, minimum, increment):
        return QuantityProblem.OFF_STEP
    return None


def tier_problems(
    price: Decimal,
    tiers: Sequence[Tier],
    minimum: Decimal | None,
    increment: Decimal | None,
) -> list[tuple[str, str]]:
    """The rules a listing's tiers follow, as (field, message)."""
    problems: list[tuple[str, str]] = []
    previous = Tier(Decimal(0), price)
    for index, tier in enumerate(tiers):
        field = f"price_tiers.{index}"
        if tier.min_quantity <= previous.min_quantity:
            problems.append(
                (f"{field}.min_quantity", "Must be above the previous tier's min_quantity.")
            )
        if tier.price >= previous.price:
            what = "the listing's price" if index == 0 else "the previous tier's price"
            problems.append((f"{field}.price", f"Must be below {what}."))
        above_minimum = minimum is None or tier.min_quantity > minimum
        if above_minimum and not on_step(tier.min_quantity, minimum, increment):
            problems.append(
                (
                    f"{field}.min_quantity",
                    "Must be the minimum order plus a whole number of order_increment steps: "
                    "the increment must divide the distance to each tier.",
                )
            )
        previous = tier
    return problems


CENT = Decimal("0.01")
KG_PLACES = Decimal("0.0001")


def order_total(price: Decimal, quantity: Decimal) -> Decimal:
    """What `quantity` costs at a unit price, rounded half-up to cents."""
    return (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def quantity_in_kg(quantity: Decimal, unit: str, kg_per_unit: Decimal | None) -> Decimal:
    """The mass of `quantity` (kg listings weigh their quantity), to 4 decimals."""
    per_unit = Decimal(1) if unit == "kg" or kg_per_unit is None else kg_per_unit
    return (quantity * per_unit).quantize(KG_PLACES, rounding=ROUND_HALF_UP)
