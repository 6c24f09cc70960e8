"""The emission and water factors of data/material_factors.csv, loaded once."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

FACTORS_RESOURCE = ("fabricloop", "data/material_factors.csv")

# Fabric stage (spinning, weaving or knitting, dyeing and finishing), per data/README.md.
FABRIC_STAGE_CO2E = Decimal("4.5")
FABRIC_STAGE_WATER = Decimal("50")
FABRIC_STAGE_SOURCES = (
    "CO2e: Kering EP&L 2020, Europe (4.1-4.8 kg CO2e/kg; wet processing in South or East Asia "
    "is 9-13). Water: Organic Basics impact index (47-52 L/kg)."
)
# The reference data's one regional figure: wet processing in South or East Asia, 9-13 kg
# CO2e per kg; the midpoint applies to material made there (origin_country), the European
# figure everywhere else (the only other region the data gives).
ASIA_FABRIC_STAGE_CO2E = Decimal("11")
ASIA_FABRIC_STAGE_SOURCES = (
    "CO2e: wet processing in South or East Asia, 9-13 kg CO2e/kg (reference data; midpoint "
    "11 used). Water: Organic Basics impact index (47-52 L/kg); no regional water figure."
)
# UN M49 Southern Asia, Eastern Asia and South-eastern Asia.
SOUTH_AND_EAST_ASIA = frozenset(
    [
        "AF",
        "BD",
        "BT",
        "IN",
        "IR",
        "LK",
        "MV",
        "NP",
        "PK",
        "CN",
        "HK",
        "JP",
        "KP",
        "KR",
        "MN",
        "MO",
        "TW",
        "BN",
        "ID",
        "KH",
        "LA",
        "MM",
        "MY",
        "PH",
        "SG",
        "TH",
        "TL",
        "VN",
    ]
)


@dataclass(frozen=True)
class FabricStage:
    """The fabric-stage add-on that applies to material made in a region."""

    region: str
    co2e_per_kg: Decimal
    water_l_per_kg: Decimal
    sources: str


EUROPE_AND_DEFAULT = FabricStage(
    "Europe and elsewhere", FABRIC_STAGE_CO2E, FABRIC_STAGE_WATER, FABRIC_STAGE_SOURCES
)
SOUTH_EAST_ASIA = FabricStage(
    "South and East Asia", ASIA_FABRIC_STAGE_CO2E, FABRIC_STAGE_WATER, ASIA_FABRIC_STAGE_SOURCES
)


def fabric_stage(origin_country: str | None) -> FabricStage:
    """The regional fabric stage the origin country chooses."""
    if origin_country and origin_country.upper() in SOUTH_AND_EAST_ASIA:
        return SOUTH_EAST_ASIA
    return EUROPE_AND_DEFAULT


# Common names of fibres that the vocabulary spells otherwise; composition fibres are free text.
FIBRE_ALIASES = {
    "polyamide": "nylon",
    "spandex": "elastane",
    "lycra": "elastane",
    "tencel": "lyocell",
    "flax": "linen",
    "rayon": "viscose",
}
DERIVED_TYPES = frozenset({"blend", "other"})


@dataclass(frozen=True)
class Factor:
    """One row of the factor table; None means no sourced figure."""

    material_type: str
    fibre: str | None
    virgin_co2e_per_kg: Decimal | None
    recycled_co2e_per_kg: Decimal | None
    virgin_water_l_per_kg: Decimal | None
    recycled_water_l_per_kg: Decimal | None
    quality: str
    sources: str

    @property
    def is_recycled_type(self) -> bool:
        """recycled_* rows: the material itself is the recycled column."""
        return self.material_type.startswith("recycled_")

    @property
    def baseline_name(self) -> str:
        """The virgin material this row's virgin column describes."""
        if self.is_recycled_type and self.fibre:
            return f"virgin {self.fibre}"
        return "virgin " + self.material_type.replace("_", " ")


def _figure(cell: str) -> Decimal | None:
    cell = cell.strip()
    return Decimal(cell) if cell else None


def parse_factors(text: str) -> dict[str, Factor]:
    factors: dict[str, Factor] = {}
    for row in csv.DictReader(io.StringIO(text)):
        factor = Factor(
            material_type=row["material_type"].strip(),
            fibre=row["fibre"].strip() or None,
            virgin_co2e_per_kg=_figure(row["virgin_co2e_per_kg"]),
            recycled_co2e_per_kg=_figure(row["recycled_co2e_per_kg"]),
            virgin_water_l_per_kg=_figure(row["virgin_water_l_per_kg"]),
            recycled_water_l_per_kg=_figure(row["recycled_water_l_per_kg"]),
            quality=row["quality"].strip(),
            sources=row["sources"].strip(),
        )
        factors[factor.material_type] = factor
    return factors


@cache
def all_factors() -> dict[str, Factor]:
    package, name = FACTORS_RESOURCE
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return parse_factors(text)


def factor_for_type(material_type: str) -> Factor | None:
    return all_factors().get(material_type)


def normalise_fibre(name: str) -> str:
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return FIBRE_ALIASES.get(key, key)


def factor_for_fibre(name: str) -> Factor | None:
    """The row of a composition fibre; None when it is unknown or a derived type."""
    key = normalise_fibre(name)
    if key in DERIVED_TYPES:
        return None
    return all_factors().get(key)
