"""How impact figures are rounded for output: half-up, once, at the end of a computation."""

from decimal import ROUND_HALF_UP, Decimal

KG = Decimal("0.001")  # a gram
CO2E = Decimal("0.001")  # a gram of CO2e
WATER = Decimal("0.01")  # ten millilitres


def round_kg(value: Decimal) -> Decimal:
    return value.quantize(KG, rounding=ROUND_HALF_UP)


def round_co2e(value: Decimal) -> Decimal:
    return value.quantize(CO2E, rounding=ROUND_HALF_UP)


def round_water(value: Decimal) -> Decimal:
    return value.quantize(WATER, rounding=ROUND_HALF_UP)


def round_share(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def optional_co2e(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_co2e(value)


def optional_water(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_water(value)
