"""The method as published with every report: the text, the standards and the factors."""

from collections.abc import Iterable

from fabricloop.impact.factors import (
    EUROPE_AND_DEFAULT,
    SOUTH_EAST_ASIA,
    FabricStage,
    Factor,
    all_factors,
)
from fabricloop.impact.schemas import FabricStageOut, FactorOut, MethodologyOut

METHOD = [
    "scope3_emissions = kg purchased x the material's own cradle-to-gate footprint (kg CO2e "
    "per kg): the seller's latest declared carbon_footprint at the time of payment if given, "
    "else the default for its type and source: virgin column + fabric stage for deadstock, "
    "surplus and post-industrial material; recycled column + fabric stage for recycled and "
    "post-consumer material, and for recycled_* types whatever the source (the material "
    "itself is the recycled column).",
    "carbon_saved = kg x (baseline - new emissions caused by the purchase), floored at 0. "
    "Baseline: the same mass of new virgin material of the same fibre (the row's virgin "
    "column + fabric stage; for organic cotton, virgin organic cotton). New emissions: 0 for "
    "deadstock, surplus and post-industrial material (it already exists); the material's own "
    "footprint for recycled and post-consumer material.",
    "water_saved likewise with the blue-water columns (litres) and the seller's water_usage.",
    "Blends: mass-weighted over the listing's composition; fibres without a sourced factor "
    "(silk, acrylic, unknown names) count as unknown: they claim nothing, and their mass is "
    "reported as coverage.quantity_kg_without_factors. Single-type listings use their type's "
    "row.",
    "An empty cell means no sourced figure: no footprint or saving is claimed from it. A "
    "seller's metrics replace the material's own footprint (so they also give Scope 3 for "
    "types without factors), but a saving also needs a sourced virgin baseline, so silk, "
    "acrylic and other claim no saving even with seller metrics.",
    "Avoided emissions (carbon_saved) are reported beside Scope 3 and never subtracted from it.",
    "Each purchase says which GHG Protocol Scope 3 category 1 method gave its figure: the "
    "supplier-specific method when the seller declared the material's cradle-to-gate "
    "footprint, the average-data method when a default factor of the reference data was "
    "used, and none when no factor exists; the report gives each method's share of the mass "
    "and of the emissions. A purchase without a factor has no Scope 3 figure (null, not 0) "
    "and its mass is stated under coverage.",
    "The fabric stage is regional where the reference data gives a region: material made in "
    "South or East Asia (origin_country) takes 11 kg CO2e per kg (the midpoint of 9-13), "
    "material made elsewhere the European 4.5; both for its own footprint and its baseline.",
]
STANDARDS = [
    "GHG Protocol Corporate Value Chain (Scope 3) Standard, category 1 (purchased goods and "
    "services): supplier-specific method where the seller declared a footprint, "
    "average-data method elsewhere",
    "WBCSD Guidance on Avoided Emissions (2023): avoided emissions reported separately, "
    "never netted against inventory emissions",
]
ROUNDING = (
    "Half-up, once, on each published figure: kg and kg CO2e to 3 decimals (the gram), litres "
    "to 2 decimals, shares to 4 decimals. Totals are rounded from unrounded sums, so they may "
    "differ from the sum of rounded rows by the last digit."
)


def factor_out(factor: Factor) -> FactorOut:
    return FactorOut(
        material_type=factor.material_type,
        fibre=factor.fibre,
        virgin_co2e_per_kg=factor.virgin_co2e_per_kg,
        recycled_co2e_per_kg=factor.recycled_co2e_per_kg,
        virgin_water_l_per_kg=factor.virgin_water_l_per_kg,
        recycled_water_l_per_kg=factor.recycled_water_l_per_kg,
        quality=factor.quality,
        sources=factor.sources,
    )


def stage_out(stage: FabricStage) -> FabricStageOut:
    return FabricStageOut(
        region=stage.region,
        co2e_per_kg=stage.co2e_per_kg,
        water_l_per_kg=stage.water_l_per_kg,
        sources=stage.sources,
    )


def methodology(
    factors: Iterable[Factor] | None = None, stages: Iterable[FabricStage] | None = None
) -> MethodologyOut:
    """The method; `factors` and `stages` limit what is listed to what was used (default:
    all of it)."""
    used = list(all_factors().values()) if factors is None else list(factors)
    regions = [EUROPE_AND_DEFAULT, SOUTH_EAST_ASIA] if stages is None else list(stages)
    return MethodologyOut(
        method=METHOD,
        standards=STANDARDS,
        rounding=ROUNDING,
        fabric_stage=stage_out(EUROPE_AND_DEFAULT),
        fabric_stages=[stage_out(stage) for stage in regions],
        factors=[factor_out(f) for f in sorted(used, key=lambda f: f.material_type)],
    )
