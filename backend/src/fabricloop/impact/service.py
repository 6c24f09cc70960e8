"""The impact method of data/README.md, implemented once: per-kg figures of a listing, used by
the material detail, the passport, the sustainability report and its exports."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fabricloop.impact.factors import (
    FabricStage,
    Factor,
    fabric_stage,
    factor_for_fibre,
    factor_for_type,
    normalise_fibre,
)
from fabricloop.impact.rounding import optional_co2e, optional_water
from fabricloop.impact.schemas import ImpactOut

# Material that already exists: buying it causes no new production.
EXISTING_SOURCES = frozenset({"deadstock", "surplus", "post_industrial"})
RECYCLED_SOURCES = frozenset({"recycled", "post_consumer"})
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PerKgImpact:
    """Figures per kg of the listing; None when no sourced figure allows one.

    The *_share fields give the share of the listing's mass (0..1) a figure covers: a blend
    with fibres without factors covers only the rest, and claims nothing for it."""

    carbon_footprint_per_kg: Decimal | None
    carbon_footprint_share: Decimal
    carbon_footprint_from_seller: bool
    water_per_kg: Decimal | None
    water_share: Decimal
    water_from_seller: bool
    baseline: str | None
    baseline_carbon_per_kg: Decimal | None
    baseline_water_per_kg: Decimal | None
    carbon_saved_per_kg: Decimal | None
    carbon_saved_share: Decimal
    water_saved_per_kg: Decimal | None
    water_saved_share: Decimal
    factors: tuple[Factor, ...]
    stage: FabricStage

    @property
    def scope3_method(self) -> str:
        """GHG Protocol Scope 3 category 1 method behind the footprint: `supplier_specific`
        (the seller declared it), `average_data` (a default factor), or `none`."""
        if self.carbon_footprint_from_seller:
            return "supplier_specific"
        return "average_data" if self.carbon_footprint_per_kg is not None else "none"


@dataclass(frozen=True)
class _Component:
    factor: Factor | None
    share: Decimal
    recycled: bool


@dataclass(frozen=True)
class _Metric:
    own: Decimal | None
    own_share: Decimal
    baseline: Decimal | None
    saved: Decimal | None
    saved_share: Decimal


def _share(percent: Any) -> Decimal | None:
    try:
        value = Decimal(str(percent))
    except ArithmeticError:
        return None
    if not value.is_finite() or value <= 0:
        return None
    return value / HUNDRED


def is_recycled_fibre(material_type: str, fibre: str) -> bool:
    """Whether a composition fibre is recycled: named so (`recycled polyester`), or the fibre
    of a recycled_* listing (`cotton` in a recycled_cotton listing)."""
    factor = factor_for_fibre(fibre)
    if factor is not None and factor.is_recycled_type:
        return True
    if normalise_fibre(fibre).startswith("recycled"):
        return True
    own = factor_for_type(material_type)
    return (
        own is not None
        and own.is_recycled_type
        and factor is not None
        and factor.fibre is not None
        and factor.fibre == own.fibre
    )


def _components(
    material_type: str, source_type: str, composition: Iterable[Mapping[str, Any]]
) -> list[_Component]:
    """The fibres charged: the composition when the listing has one (a cotton listing of 70%
    cotton and 30% polyester is charged as such), else the listing's own type."""
    recycled_source = source_type in RECYCLED_SOURCES
    components = []
    for item in composition:
        share = _share(item.get("percent"))
        fibre = item.get("fibre")
        if share is None or not isinstance(fibre, str):
            continue
        recycled = recycled_source or is_recycled_fibre(material_type, fibre)
        components.append(_Component(factor_for_fibre(fibre), share, recycled))
    if components or material_type == "blend":
        return components
    own = factor_for_type(material_type)
    recycled = recycled_source or (own is not None and own.is_recycled_type)
    return [_Component(own, ONE, recycled)]


def _metric(
    components: list[_Component],
    source_type: str,
    seller_value: Decimal | None,
    virgin_of: str,
    recycled_of: str,
    stage: Decimal,
) -> _Metric:
    existing = source_type in EXISTING_SOURCES
    own_sum = base_sum = saved_sum = ZERO
    own_share = base_share = saved_share = ZERO
    for component in components:
        factor, share = component.factor, component.share
        if factor is None:
            continue
        virgin: Decimal | None = getattr(factor, virgin_of)
        recycled: Decimal | None = getattr(factor, recycled_of)
        own_column = recycled if component.recycled else virgin
        own = None if own_column is None else own_column + stage
        base = None if virgin is None else virgin + stage
        if own is not None:
            own_sum += share * own
            own_share += share
        if base is None:
            continue
        base_sum += share * base
        base_share += share
        if seller_value is None:
            new = ZERO if existing else own
            if new is not None:
                saved_sum += share * (base - new)
                saved_share += share
    if seller_value is not None:
        # The seller's figure is the whole listing's own footprint; the baseline still needs
        # a sourced virgin factor, so only the mass with one can claim a saving.
        own_sum, own_share = seller_value, ONE
        new_per_kg = ZERO if existing else seller_value
        saved_sum, saved_share = base_sum - base_share * new_per_kg, base_share
    return _Metric(
        own=own_sum if own_share > 0 else None,
        own_share=own_share,
        baseline=base_sum if base_share > 0 else None,
        saved=max(ZERO, saved_sum) if saved_share > 0 else None,
        saved_share=saved_share,
    )


def _baseline_name(components: list[_Component]) -> str | None:
    names: list[str] = []
    for component in components:
        factor = component.factor
        if factor is None or factor.virgin_co2e_per_kg is None:
            continue
        name = factor.baseline_name.removeprefix("virgin ")
        if name not in names:
            names.append(name)
    return "virgin " + " + ".join(names) if names else None


def per_kg_impact(
    material_type: str,
    source_type: str,
    composition: Iterable[Mapping[str, Any]],
    carbon_footprint: Decimal | None,
    water_usage: Decimal | None,
    origin_country: str | None = None,
) -> PerKgImpact:
    """The listing's own footprint, its virgin baseline and the saving, per kg; the origin
    country chooses the regional fabric stage."""
    if source_type not in EXISTING_SOURCES | RECYCLED_SOURCES:
        raise ValueError(f"unknown source_type {source_type!r}")
    components = _components(material_type, source_type, composition)
    stage = fabric_stage(origin_country)
    carbon = _metric(
        components,
        source_type,
        carbon_footprint,
        "virgin_co2e_per_kg",
        "recycled_co2e_per_kg",
        stage.co2e_per_kg,
    )
    water = _metric(
        components,
        source_type,
        water_usage,
        "virgin_water_l_per_kg",
        "recycled_water_l_per_kg",
        stage.water_l_per_kg,
    )
    factors: list[Factor] = []
    for component in components:
        if component.factor is not None and component.factor not in factors:
            factors.append(component.factor)
    return PerKgImpact(
        carbon_footprint_per_kg=carbon.own,
        carbon_footprint_share=carbon.own_share,
        carbon_footprint_from_seller=carbon_footprint is not None,
        water_per_kg=water.own,
        water_share=water.own_share,
        water_from_seller=water_usage is not None,
        baseline=_baseline_name(components),
        baseline_carbon_per_kg=carbon.baseline,
        baseline_water_per_kg=water.baseline,
        carbon_saved_per_kg=carbon.saved,
        carbon_saved_share=carbon.saved_share,
        water_saved_per_kg=water.saved,
        water_saved_share=water.saved_share,
        factors=tuple(factors),
        stage=stage,
    )


@dataclass(frozen=True)
class PurchaseImpact:
    """The figures of a purchase of `quantity_kg` of a listing (unrounded). A figure no
    factor covers is None, never 0: its mass is counted as uncovered instead."""

    quantity_kg: Decimal
    scope3_emissions: Decimal | None
    scope3_method: str
    carbon_saved: Decimal | None
    water_saved: Decimal | None
    quantity_kg_without_factors: Decimal
    quantity_kg_without_footprint: Decimal


def _times(quantity_kg: Decimal, per_kg: Decimal | None) -> Decimal | None:
    return None if per_kg is None else quantity_kg * per_kg


def purchase_impact(quantity_kg: Decimal, impact: PerKgImpact) -> PurchaseImpact:
    """kg x the per-kg figures; what has no figure is None and counts as uncovered mass."""
    return PurchaseImpact(
        quantity_kg=quantity_kg,
        scope3_emissions=_times(quantity_kg, impact.carbon_footprint_per_kg),
        scope3_method=impact.scope3_method,
        carbon_saved=_times(quantity_kg, impact.carbon_saved_per_kg),
        water_saved=_times(quantity_kg, impact.water_saved_per_kg),
        quantity_kg_without_factors=quantity_kg * (ONE - impact.carbon_saved_share),
        quantity_kg_without_footprint=quantity_kg * (ONE - impact.carbon_footprint_share),
    )


def impact_out(impact: PerKgImpact) -> ImpactOut:
    """The material detail's `impact`, rounded for output."""
    return ImpactOut(
        carbon_saved_per_kg=optional_co2e(impact.carbon_saved_per_kg),
        water_saved_per_kg=optional_water(impact.water_saved_per_kg),
        baseline=impact.baseline,
    )
