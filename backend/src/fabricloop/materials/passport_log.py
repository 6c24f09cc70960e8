"""A listing's Digital Product Passport record: created with the listing, in the same
transaction, and changed only through recorded changes (who changed what, and when). The
listing's own fields hold the passport's data; the passports domain publishes and edits it
through these functions."""

import uuid
from collections.abc import Sequence
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.materials import repository, rows
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    PassportChange,
    SustainabilityMetric,
)
from fabricloop.materials.repository import passports as passport_repository
from fabricloop.materials.schemas import MetricsIn

# The material fields the passport publishes, with their names on the passport.
PASSPORT_FIELDS = {
    "origin_country": "origin",
    "manufacture_date": "manufacture_date",
    "composition": "composition",
    "certifications": "certifications",
    "supply_chain": "supply_chain",
}


def passport_values(material: Material) -> dict[str, Any]:
    """The passport's fields as they are on the material row, by passport name."""
    return {name: getattr(material, column) for column, name in PASSPORT_FIELDS.items()}


async def get_passport(
    session: AsyncSession, material_id: uuid.UUID
) -> DigitalProductPassport | None:
    return await passport_repository.get_passport(session, material_id)


async def list_metrics(
    session: AsyncSession, material_id: uuid.UUID
) -> Sequence[SustainabilityMetric]:
    """Every metrics record of the listing, the latest first."""
    return await passport_repository.list_metrics(session, material_id)


async def create_passport(session: AsyncSession, material: Material) -> DigitalProductPassport:
    """The passport of a new material (idempotent), with a `created` change holding its
    initial values."""
    initial = {
        name: {"old": None, "new": value} for name, value in passport_values(material).items()
    }
    passport = await passport_repository.add_passport_created(
        session, material.id, material.seller_id, jsonable_encoder(initial)
    )
    if passport is None:
        existing = await passport_repository.get_passport(session, material.id)
        assert existing is not None
        return existing
    return passport


async def record_change(
    session: AsyncSession,
    material_id: uuid.UUID,
    user_id: uuid.UUID | None,
    kind: str,
    changes: dict[str, Any],
) -> PassportChange:
    """Record who changed what on a material's passport (e.g. `{"title": {"old", "new"}}`)
    and bump the passport's updated_at. `kind` names the change (at most 32 characters):
    `created`, `passport_updated`, `metrics_added`, `material_updated`..."""
    passport = await passport_repository.get_passport(session, material_id)
    if passport is None:
        passport = await passport_repository.add_passport(
            session, material_id
        ) or await passport_repository.get_passport(session, material_id)
        assert passport is not None
    change = await passport_repository.add_change(
        session,
        PassportChange(
            passport_id=passport.id,
            changed_by=user_id,
            kind=kind[:32],
            changes=jsonable_encoder(changes),
        ),
    )
    await passport_repository.touch_passport(session, passport.id)
    return change


async def append_metrics(
    session: AsyncSession, material_id: uuid.UUID, user_id: uuid.UUID, data: MetricsIn
) -> SustainabilityMetric:
    """Append a metrics record and log it in the passport's changes, whichever endpoint the
    metrics came through (the passport's own, or a listing update)."""
    previous = await passport_repository.list_metrics(session, material_id)
    metric = await repository.add_metric(session, rows.metric_row(material_id, user_id, data))
    old = previous[0] if previous else None
    changes = {
        field: {"old": getattr(old, field) if old else None, "new": getattr(metric, field)}
        for field in ("carbon_footprint", "water_usage", "chemical_composition")
    }
    await record_change(session, material_id, user_id, "metrics_added", changes)
    return metric
