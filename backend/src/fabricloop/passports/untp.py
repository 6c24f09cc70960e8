"""The passport as a UN Transparency Protocol (UNTP) Digital Product Passport 0.6.1: a W3C
Verifiable Credential (data model 2.0) issued by the marketplace's did:web, which validates
against the UNTP DPP 0.6.1 JSON schema and expands as JSON-LD without dropping a term (terms
UNTP lacks are in FabricLoop's extension context). Signed form: passports.signing. Mapping:
docs/untp.md."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from fabricloop.core.vocabulary import plain
from fabricloop.impact.service import PerKgImpact, is_recycled_fibre
from fabricloop.materials.models import Material
from fabricloop.materials.schemas import CompositionOut
from fabricloop.passports.context import contexts
from fabricloop.passports.did import did_web
from fabricloop.passports.schemas import PassportOut
from fabricloop.passports.vocab import KILOGRAM, REC20_UNITS, scheme_standard, scheme_topic

VERIFIED = "verified: the certificate and its evidence were reviewed by the marketplace operator"
SELF_DECLARED = "self-declared by the seller, not verified"
DPP_LINK_TYPE = "https://test.uncefact.org/vocabulary/linkTypes/dpp"
GS1_GTIN_SCHEME = {
    "type": ["IdentifierScheme"],
    "id": "https://id.gs1.org/01/",
    "name": "Global Trade Item Number (GTIN)",
}
GHG_PROTOCOL = {"id": "https://ghgprotocol.org/", "name": "GHG Protocol (WRI / WBCSD)"}
SCOPE3_STANDARD = {
    "type": ["Standard"],
    "id": "https://ghgprotocol.org/corporate-value-chain-scope-3-standard",
    "name": "GHG Protocol Scope 3 Standard, category 1, average-data method "
    "(cradle-to-gate factors per kg; FabricLoop methodology)",
    "issuingParty": GHG_PROTOCOL,
}
SUPPLIER_STANDARD = {
    **SCOPE3_STANDARD,
    "name": "GHG Protocol Scope 3 Standard, category 1, supplier-specific method "
    "(the seller's declared cradle-to-gate footprint per kg)",
}


@dataclass(frozen=True)
class Lot:
    """A lot of the listing, passported on its own: the listing's passport is its parent."""

    lot_code: str
    passport_id: str
    quantity: Decimal


@dataclass(frozen=True)
class CredentialInput:
    view: PassportOut
    material: Material
    impact: PerKgImpact
    base_url: str
    gtin: str | None = None
    lot: Lot | None = None


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _fibre_origin(view: PassportOut) -> str | None:
    for step in view.supply_chain:
        if step.stage == "fibre" and step.country:
            return step.country
    return view.origin


def _classification(base: str, code: str) -> dict[str, Any]:
    return {
        "type": ["Classification"],
        "id": f"{base}/api/materials/types#{code}",
        "code": code,
        "name": plain(code),
        "schemeID": f"{base}/api/materials/types",
        "schemeName": "FabricLoop material types",
    }


def _composition(view: PassportOut, material: Material) -> list[CompositionOut]:
    if view.composition:
        return list(view.composition)
    if material.material_type in ("blend", "other"):
        return []
    return [CompositionOut(fibre=material.material_type, percent=Decimal(100))]


def _materials(view: PassportOut, material: Material, base: str) -> list[dict[str, Any]]:
    """One UNTP Material per composition fibre (the listing's type when it has none). Its
    recycled share comes from the composition: a fibre named recycled, or the fibre of a
    recycled_* listing; the source type (deadstock, post-consumer...) says nothing of it."""
    origin = _fibre_origin(view)
    provenance = []
    for item in _composition(view, material):
        code = "_".join(item.fibre.strip().lower().split())
        recycled = is_recycled_fibre(material.material_type, item.fibre)
        entry: dict[str, Any] = {
            "name": plain(item.fibre),
            "materialType": _classification(base, code),
            "massFraction": _number(item.percent / 100),
            "recycledMassFraction": 1 if recycled else 0,
        }
        if origin:
            entry["originCountry"] = origin
        provenance.append(entry)
    return provenance


def _claims(view: PassportOut, subject_id: str, today: date) -> list[dict[str, Any]]:
    claims = []
    for index, cert in enumerate(view.certifications):
        valid = cert.valid_until is None or cert.valid_until >= today
        until = f", valid until {cert.valid_until.isoformat()}" if cert.valid_until else ""
        # A verified claim's certificate and evidence were reviewed by the marketplace's
        # operator (assessmentDate: the approval); any other is the seller's declaration.
        standing = VERIFIED if cert.verified else SELF_DECLARED
        claim: dict[str, Any] = {
            "type": ["Claim", "Declaration"],
            "id": f"{subject_id}#certification-{index + 1}",
            "description": f"{cert.scheme} certificate {cert.certificate_id}{until} ({standing})",
            "conformityTopic": scheme_topic(cert.scheme),
            "conformance": valid,
        }
        if cert.verified and cert.verified_at is not None:
            claim["assessmentDate"] = cert.verified_at.astimezone(UTC).date().isoformat()
        standard = scheme_standard(cert.scheme)
        if standard is not None:
            claim["referenceStandard"] = standard
        claims.append(claim)
    return claims


def _emissions(impact: PerKgImpact) -> dict[str, Any] | None:
    footprint = impact.carbon_footprint_per_kg
    if footprint is None or impact.carbon_footprint_share < 1:
        return None  # no complete cradle-to-gate figure: claim none rather than a partial one
    seller = impact.carbon_footprint_from_seller
    return {
        "carbonFootprint": _number(footprint.quantize(Decimal("0.001"))),
        "declaredUnit": KILOGRAM,
        "operationalScope": "CradleToGate",
        # The seller's own figure is primary data; the factor table is secondary.
        "primarySourcedRatio": 1 if seller else 0,
        "reportingStandard": SUPPLIER_STANDARD if seller else SCOPE3_STANDARD,
    }


def _traceability(view: PassportOut) -> list[dict[str, Any]]:
    steps = []
    for step in view.supply_chain:
        when = f", {step.date.isoformat()}" if step.date else ""
        steps.append(
            {
                "valueChainProcess": f"{step.stage}: {step.company} ({step.country}{when})",
                # Self-declared by the seller; no traceability event credentials are linked.
                "verifiedRatio": 0,
            }
        )
    return steps


def _avoided(impact: PerKgImpact, base: str) -> dict[str, Any] | None:
    if impact.carbon_saved_per_kg is None and impact.water_saved_per_kg is None:
        return None
    avoided: dict[str, Any] = {"methodology": f"{base}/methodology"}
    if impact.carbon_saved_per_kg is not None:
        avoided["carbonSavedPerKg"] = _number(impact.carbon_saved_per_kg.quantize(Decimal("0.001")))
    if impact.water_saved_per_kg is not None:
        avoided["waterSavedPerKg"] = _number(impact.water_saved_per_kg.quantize(Decimal("0.01")))
    if impact.baseline:
        avoided["baseline"] = impact.baseline
    return avoided


def _product(data: CredentialInput, base: str) -> dict[str, Any]:
    view, material = data.view, data.material
    product_id = view.public_url
    if data.lot:
        product_id = f"{view.public_url}?lot={quote(data.lot.lot_code, safe='')}"
    product: dict[str, Any] = {
        "type": ["Product"],
        "id": product_id,
        "name": view.title,
        "description": material.description or view.title,
        "productCategory": [_classification(base, view.material_type)],
        "furtherInformation": [
            {"linkURL": view.public_url, "linkName": "Digital Product Passport"},
            {"linkURL": f"{base}/methodology", "linkName": "How the impact figures are made"},
        ],
        "producedByParty": {
            "id": f"urn:uuid:{material.seller_id}",
            "name": view.issuer.company_name,
        },
    }
    if data.gtin:
        product["registeredId"] = data.gtin
        product["idScheme"] = GS1_GTIN_SCHEME
    else:
        product["registeredId"] = str(view.material_id)
        product["idScheme"] = {
            "type": ["IdentifierScheme"],
            "id": f"{base}/passport/",
            "name": "FabricLoop material id",
        }
    product["batchNumber"] = data.lot.lot_code if data.lot else str(view.material_id)
    if material.kg_per_unit is not None and material.unit != "kg":
        # The mass of one unit of sale (a metre, a roll...), in kilograms.
        product["dimensions"] = {
            "weight": {"value": _number(material.kg_per_unit), "unit": KILOGRAM}
        }
    if view.manufacture_date:
        product["productionDate"] = view.manufacture_date.isoformat()
    if view.origin:
        product["countryOfProduction"] = view.origin
    return product


def untp_credential(data: CredentialInput) -> dict[str, Any]:
    view, material, impact = data.view, data.material, data.impact
    base = data.base_url.rstrip("/")
    issuer = did_web(base)
    subject_id = f"urn:uuid:{data.lot.passport_id}" if data.lot else f"urn:uuid:{view.passport_id}"
    quantity = data.lot.quantity if data.lot else material.quantity
    subject: dict[str, Any] = {
        "type": ["ProductPassport"],
        "id": subject_id,
        "product": _product(data, base),
        "granularityLevel": "batch",
        "materialsProvenance": _materials(view, material, base),
        "conformityClaim": _claims(view, subject_id, datetime.now(UTC).date()),
        "traceabilityInformation": _traceability(view),
        "sourceType": material.source_type,
        "availableQuantity": {"value": _number(quantity), "unit": REC20_UNITS[material.unit]},
    }
    if data.lot:
        subject["parentPassport"] = f"urn:uuid:{view.passport_id}"
    emissions = _emissions(impact)
    if emissions is not None:
        subject["emissionsScorecard"] = emissions
    avoided = _avoided(impact, base)
    if avoided is not None:
        subject["avoidedImpact"] = avoided
    provenance = subject["materialsProvenance"]
    if provenance:
        recycled = sum(
            (Decimal(str(m["massFraction"])) * m["recycledMassFraction"] for m in provenance),
            Decimal(0),
        )
        subject["circularityScorecard"] = {"recycledContent": _number(recycled)}
    credential_id = view.untp_url
    if data.lot:
        credential_id = f"{view.untp_url}?lot={quote(data.lot.lot_code, safe='')}"
    return {
        "@context": contexts(base),
        "type": ["DigitalProductPassport", "VerifiableCredential"],
        "id": credential_id,
        "issuer": {"type": ["CredentialIssuer"], "id": issuer, "name": "FabricLoop"},
        "validFrom": _timestamp(view.updated_at),
        "name": f"Digital Product Passport: {view.title}",
        "credentialSubject": subject,
    }
