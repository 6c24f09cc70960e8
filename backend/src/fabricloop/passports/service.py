"""Digital Product Passports: created with each material, changed only through recorded
changes, and readable by anyone (a draft's by its owner only)."""

import uuid
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.materials.models import Material
from fabricloop.passports import repository
from fabricloop.passports.models import DigitalProductPassport, PassportChange

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


async def create_passport(session: AsyncSession, material_id: uuid.UUID) -> DigitalProductPassport:
    """The passport of a new material (idempotent), with a `created` change holding its
    initial values; called by the materials service in the same transaction."""
    existing = await repository.get_passport(session, material_id)
    if existing is not None:
        return existing
    passport = await repository.add_passport(session, material_id)
    material = await repository.get_material(session, material_id)
    if material is not None:
        initial = {
            name: {"old": None, "new": value} for name, value in passport_values(material).items()
        }
        await repository.add_change(
            session,
            PassportChange(
                passport_id=passport.id,
                changed_by=material.seller_id,
                kind="created",
                changes=jsonable_encoder(initial),
            ),
        )
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
    passport = await repository.get_passport(session, material_id)
    if passport is None:
        passport = await repository.add_passport(session, material_id)
    change = await repository.add_change(
        session,
        PassportChange(
            passport_id=passport.id,
            changed_by=user_id,
            kind=kind[:32],
            changes=jsonable_encoder(changes),
        ),
    )
    await repository.touch_passport(session, passport.id)
    return change
