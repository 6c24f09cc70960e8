"""Shaping a material row, its metrics and its changes into the passport's response. Stored
JSON is read leniently (rows written by older code or the demo seed may lack keys)."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fabricloop.auth.models import User
from fabricloop.impact.service import impact_out, per_kg_impact
from fabricloop.materials import certified
from fabricloop.materials.certified import Verified
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    MaterialLot,
    PassportChange,
    SustainabilityMetric,
)
from fabricloop.materials.schemas import (
    CertificationOut,
    ChemicalOut,
    CompositionOut,
    MetricsOut,
    SupplyChainStepOut,
)
from fabricloop.passports.digital_link import digital_link
from fabricloop.passports.schemas import (
    ChangedBy,
    Issuer,
    LotPassportOut,
    PassportChangeOut,
    PassportOut,
)

# Material columns shown under another name on the passport.
FIELD_NAMES = {"origin_country": "origin"}


def passport_urls(base_url: str, material_id: object) -> tuple[str, str, str]:
    """The public page, the QR code and the UNTP credential."""
    base = base_url.rstrip("/")
    return (
        f"{base}/passport/{material_id}",
        f"{base}/api/passports/{material_id}/qr.svg",
        f"{base}/api/passports/{material_id}/untp.json",
    )


def qr_target(base_url: str, material: Material) -> str:
    """What the QR code encodes: the GS1 Digital Link when the listing has a GTIN, else the
    public page."""
    if material.gtin:
        return digital_link(base_url, material.gtin)
    return passport_urls(base_url, material.id)[0]


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value or [] if isinstance(item, dict)]


def composition_out(material: Material) -> list[CompositionOut]:
    return [
        CompositionOut(fibre=str(c.get("fibre", "")), percent=c.get("percent", 0))
        for c in _items(material.composition)
    ]


def certifications_out(material: Material, verified: Verified) -> list[CertificationOut]:
    return [certified.out(c, verified) for c in _items(material.certifications)]


def supply_chain_out(material: Material) -> list[SupplyChainStepOut]:
    return [
        SupplyChainStepOut(
            stage=str(s.get("stage", "")),
            company=str(s.get("company", "")),
            country=str(s.get("country", "")),
            date=s.get("date"),
        )
        for s in _items(material.supply_chain)
    ]


def metrics_out(metric: SustainabilityMetric) -> MetricsOut:
    return MetricsOut(
        carbon_footprint=metric.carbon_footprint,
        water_usage=metric.water_usage,
        chemical_composition=[
            ChemicalOut(
                name=str(c.get("name", "")),
                cas_number=c.get("cas_number"),
                concentration_ppm=c.get("concentration_ppm"),
            )
            for c in _items(metric.chemical_composition)
        ],
        recorded_at=metric.recorded_at,
    )


def change_out(change: PassportChange, company_name: str | None) -> PassportChangeOut:
    fields = {FIELD_NAMES.get(k, k): v for k, v in (change.changes or {}).items()}
    changed_by = (
        ChangedBy(user_id=change.changed_by, company_name=company_name)
        if change.changed_by is not None and company_name is not None
        else None
    )
    return PassportChangeOut(
        change_id=change.id,
        kind=change.kind,
        changed_by=changed_by,
        changed_at=change.changed_at,
        fields=fields,
    )


def passport_out(
    *,
    base_url: str,
    passport: DigitalProductPassport,
    material: Material,
    seller: User | None,
    metrics: Sequence[SustainabilityMetric],
    changes: Sequence[tuple[PassportChange, str | None]],
    lots: Sequence[MaterialLot] = (),
    verified: Verified | None = None,
) -> PassportOut:
    latest = metrics[0] if metrics else None
    impact = per_kg_impact(
        material.material_type,
        material.source_type,
        _items(material.composition),
        latest.carbon_footprint if latest else None,
        latest.water_usage if latest else None,
        material.origin_country,
    )
    public_url, qr_url, untp_url = passport_urls(base_url, material.id)
    return PassportOut(
        passport_id=passport.id,
        material_id=material.id,
        material_type=material.material_type,
        source_type=material.source_type,
        title=material.title,
        origin=material.origin_country,
        manufacture_date=material.manufacture_date,
        composition=composition_out(material),
        certifications=certifications_out(material, verified or {}),
        sustainability_metrics=metrics_out(latest) if latest else None,
        metrics_history=[metrics_out(m) for m in metrics],
        supply_chain=supply_chain_out(material),
        impact=impact_out(impact),
        issuer=Issuer(company_name=seller.company_name if seller else ""),
        gtin=material.gtin,
        public_url=public_url,
        digital_link=digital_link(base_url, material.gtin) if material.gtin else None,
        qr_url=qr_url,
        untp_url=untp_url,
        credential_url=untp_url.removesuffix("untp.json") + "credential.jwt",
        lots=[
            LotPassportOut(
                lot_code=lot.lot_code,
                passport_id=lot.id,
                quantity=lot.quantity,
                digital_link=digital_link(base_url, material.gtin, lot.lot_code)
                if material.gtin
                else None,
                untp_url=f"{untp_url}?lot={quote(lot.lot_code, safe='')}",
            )
            for lot in lots
        ],
        changes=[change_out(change, name) for change, name in changes],
        created_at=passport.created_at,
        updated_at=passport.updated_at,
    )
