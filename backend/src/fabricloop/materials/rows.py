"""Validated listing input in the JSON shapes stored on the material row. The materials and
passports services both write through these, so a listing and its passport never disagree."""

import uuid
from decimal import Decimal
from typing import Any, Protocol

from fabricloop.materials.models import SustainabilityMetric
from fabricloop.materials.schemas import (
    Certification,
    CompositionItem,
    LotIn,
    MetricsIn,
    SupplyChainStep,
)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def composition_json(items: list[CompositionItem]) -> list[dict[str, Any]]:
    return [{"fibre": i.fibre, "percent": _number(i.percent)} for i in items]


def certifications_json(items: list[Certification]) -> list[dict[str, Any]]:
    return [
        {
            "scheme": c.scheme,
            "certificate_id": c.certificate_id,
            "valid_until": c.valid_until.isoformat() if c.valid_until else None,
        }
        for c in items
    ]


def supply_chain_json(items: list[SupplyChainStep]) -> list[dict[str, Any]]:
    return [
        {
            "stage": s.stage,
            "company": s.company,
            "country": s.country,
            "date": s.date.isoformat() if s.date else None,
        }
        for s in items
    ]


def lot_rows(items: list[LotIn]) -> list[dict[str, object]]:
    return [
        {
            "lot_code": lot.lot_code,
            "quantity": lot.quantity,
            "color": lot.color,
            "grade": lot.grade,
            "width_cm": lot.width_cm,
            "weight_gsm": lot.weight_gsm,
        }
        for lot in items
    ]


class StructuredFields(Protocol):
    """The three structured parts a listing update and a passport update both may send."""

    composition: list[CompositionItem] | None
    certifications: list[Certification] | None
    supply_chain: list[SupplyChainStep] | None


def structured_values(data: StructuredFields) -> dict[str, list[dict[str, Any]]]:
    """The stored JSON of whichever structured parts were sent (None means: left as it is)."""
    values: dict[str, list[dict[str, Any]]] = {}
    if data.composition is not None:
        values["composition"] = composition_json(data.composition)
    if data.certifications is not None:
        values["certifications"] = certifications_json(data.certifications)
    if data.supply_chain is not None:
        values["supply_chain"] = supply_chain_json(data.supply_chain)
    return values


def metric_row(material_id: uuid.UUID, user_id: uuid.UUID, data: MetricsIn) -> SustainabilityMetric:
    return SustainabilityMetric(
        material_id=material_id,
        carbon_footprint=data.carbon_footprint,
        water_usage=data.water_usage,
        chemical_composition=[
            {
                "name": c.name,
                "cas_number": c.cas_number,
                "concentration_ppm": None
                if c.concentration_ppm is None
                else _number(c.concentration_ppm),
            }
            for c in data.chemical_composition
        ],
        recorded_by=user_id,
    )
