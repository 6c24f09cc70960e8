"""Validated listing input in the JSON shapes stored on the material row. The materials and
passports services both write through these, so a listing and its passport never disagree."""

import uuid
from decimal import Decimal
from typing import Any

from fabricloop.materials.models import SustainabilityMetric
from fabricloop.materials.schemas import Certification, CompositionItem, MetricsIn, SupplyChainStep


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
