"""Digital Product Passports: created with each material, changed only through recorded
changes, and readable by anyone (a draft's by its owner only)."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.cache import Cache
from fabricloop.core.gs1 import gtin_forms, gtin_problem
from fabricloop.impact.service import PerKgImpact, per_kg_impact
from fabricloop.materials import caching, certified, passport_log, rows
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    SustainabilityMetric,
)
from fabricloop.passports import repository
from fabricloop.passports.did import did_document, verification_method_id
from fabricloop.passports.digital_link import digital_link
from fabricloop.passports.errors import NotPassportOwner, PassportNotFound
from fabricloop.passports.qr import qr_svg
from fabricloop.passports.schemas import MetricsCreate, PassportOut, PassportUpdate
from fabricloop.passports.signing import SigningKeys, sign
from fabricloop.passports.untp import CredentialInput, Lot, untp_credential
from fabricloop.passports.views import passport_out, qr_target


async def _load(
    session: AsyncSession, material_id: uuid.UUID, viewer: User | None, *, for_update: bool
) -> tuple[DigitalProductPassport, Material]:
    material = await repository.get_material(session, material_id, for_update=for_update)
    # A draft is not published yet (nor a draft the operator withheld): 404 to all but its
    # owner. Archived, deleted and hidden listings keep a public passport (it travels with the
    # goods).
    draft = material is not None and "draft" in (material.status, material.held_status)
    if material is None or (draft and (viewer is None or viewer.id != material.seller_id)):
        raise PassportNotFound()
    passport = await passport_log.get_passport(session, material_id)
    if passport is None:  # a listing from before passports
        passport = await passport_log.create_passport(session, material)
    return passport, material


async def _owned(
    session: AsyncSession, user: User, material_id: uuid.UUID
) -> tuple[DigitalProductPassport, Material]:
    passport, material = await _load(session, material_id, user, for_update=True)
    if material.seller_id != user.id:
        raise NotPassportOwner()
    return passport, material


async def _view(
    session: AsyncSession, base_url: str, passport: DigitalProductPassport, material: Material
) -> PassportOut:
    return passport_out(
        base_url=base_url,
        passport=passport,
        material=material,
        seller=await repository.get_user(session, material.seller_id),
        metrics=await passport_log.list_metrics(session, material.id),
        changes=await repository.list_changes(session, passport.id),
        lots=await repository.list_lots(session, material.id),
        verified=await certified.verified(session, material.seller_id, material.certifications),
    )


async def get_passport(
    session: AsyncSession, base_url: str, material_id: uuid.UUID, viewer: User | None
) -> PassportOut:
    passport, material = await _load(session, material_id, viewer, for_update=False)
    return await _view(session, base_url, passport, material)


async def update_passport(
    session: AsyncSession,
    cache: Cache,
    base_url: str,
    user: User,
    material_id: uuid.UUID,
    data: PassportUpdate,
) -> PassportOut:
    """Change the passport's fields on the material row and record who changed what."""
    passport, material = await _owned(session, user, material_id)
    sent = data.model_fields_set
    values: dict[str, Any] = {}
    if "origin" in sent:
        values["origin_country"] = data.origin
    if "manufacture_date" in sent:
        values["manufacture_date"] = data.manufacture_date
    values.update(rows.structured_values(data))
    if "certifications" in values:
        await certified.check(session, user.id, values["certifications"])
    changes = {
        passport_log.PASSPORT_FIELDS[column]: {"old": getattr(material, column), "new": value}
        for column, value in values.items()
        if getattr(material, column) != value
    }
    if changes:
        for column, value in values.items():
            setattr(material, column, value)
        material.updated_at = datetime.now(UTC)
        await repository.flush(session)
        await passport_log.record_change(session, material_id, user.id, "passport_updated", changes)
        caching.invalidate_after_commit(session, cache, [material_id])
        passport = await passport_log.get_passport(session, material_id) or passport
    return await _view(session, base_url, passport, material)


async def add_metrics(
    session: AsyncSession, cache: Cache, user: User, material_id: uuid.UUID, data: MetricsCreate
) -> SustainabilityMetric:
    """Append a metrics record (the latest applies; the history is kept)."""
    _, material = await _owned(session, user, material_id)
    metric = await passport_log.append_metrics(session, material.id, user.id, data)
    caching.invalidate_after_commit(session, cache, [material_id])
    return metric


async def passport_qr_svg(
    session: AsyncSession, base_url: str, material_id: uuid.UUID, viewer: User | None
) -> bytes:
    """An SVG QR code of the passport's public page."""
    _, material = await _load(session, material_id, viewer, for_update=False)
    return qr_svg(qr_target(base_url, material))


def _impact(material: Material, view: PassportOut) -> PerKgImpact:
    metrics = view.sustainability_metrics
    return per_kg_impact(
        material.material_type,
        material.source_type,
        material.composition or [],
        metrics.carbon_footprint if metrics else None,
        metrics.water_usage if metrics else None,
        material.origin_country,
    )


def _credential(
    base_url: str, material: Material, view: PassportOut, lot_code: str | None
) -> dict[str, Any]:
    """The listing's credential, or one lot's (404 for a lot code it does not have)."""
    lot = None
    if lot_code is not None:
        found = [item for item in view.lots if item.lot_code == lot_code]
        if not found:
            raise PassportNotFound()
        lot = Lot(found[0].lot_code, str(found[0].passport_id), found[0].quantity)
    impact = _impact(material, view)
    return untp_credential(
        CredentialInput(view, material, impact, base_url, gtin=material.gtin, lot=lot)
    )


async def passport_untp(
    session: AsyncSession,
    base_url: str,
    material_id: uuid.UUID,
    viewer: User | None,
    lot_code: str | None = None,
) -> dict[str, Any]:
    """The passport as a UNTP Digital Product Passport credential (unsigned); with
    `lot_code`, the passport of that lot (its parent: the listing's passport)."""
    passport, material = await _load(session, material_id, viewer, for_update=False)
    view = await _view(session, base_url, passport, material)
    return _credential(base_url, material, view, lot_code)


async def passport_credential_jwt(
    session: AsyncSession,
    base_url: str,
    keys: SigningKeys,
    material_id: uuid.UUID,
    viewer: User | None,
    lot_code: str | None = None,
) -> str:
    """The same credential, signed by the marketplace (VC-JOSE enveloped, ES256)."""
    credential = await passport_untp(session, base_url, material_id, viewer, lot_code)
    return sign(credential, keys, verification_method_id(base_url, keys.kid))


def did_document_of(base_url: str, keys: SigningKeys) -> dict[str, Any]:
    """The marketplace's DID document: the current key first, then the retired ones."""
    return did_document(
        base_url, [(str(k.thumbprint()), k.as_dict(private=False)) for k in keys.public_keys()]
    )


@dataclass(frozen=True)
class Resolved:
    """What a GS1 Digital Link names: the passport, its credential, and the links."""

    view: PassportOut
    credential: dict[str, Any]
    anchor: str


async def resolve_digital_link(
    session: AsyncSession, base_url: str, gtin: str, lot_code: str | None
) -> Resolved:
    """The passport at /01/{gtin}[/10/{lot_code}]. A malformed GTIN, a wrong check digit, an
    unknown GTIN or lot, and a draft's GTIN are all 404: no page that looks found."""
    if gtin_problem(gtin) is not None:
        raise PassportNotFound()
    material = await repository.find_material_by_gtin(session, gtin_forms(gtin))
    if material is None:
        raise PassportNotFound()
    passport, _ = await _load(session, material.id, None, for_update=False)
    view = await _view(session, base_url, passport, material)
    credential = _credential(base_url, material, view, lot_code)
    return Resolved(view, credential, digital_link(base_url, gtin, lot_code))
