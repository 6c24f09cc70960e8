"""The passport as a UN Transparency Protocol (UNTP) Digital Product Passport: a W3C
Verifiable Credential (data model 2.0) with a UNTP DPP 0.6 credentialSubject. Unsigned (no
`proof`): the issuer is the marketplace acting for the seller. Mapping: docs/untp.md."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fabricloop.impact.factors import factor_for_fibre, factor_for_type, normalise_fibre
from fabricloop.impact.service import RECYCLED_SOURCES, PerKgImpact
from fabricloop.materials.models import Material
from fabricloop.materials.schemas import CompositionOut
from fabricloop.passports.schemas import PassportOut

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://test.uncefact.org/vocabulary/untp/dpp/0.6.0/",
]
DPP_LINK_TYPE = "https://test.uncefact.org/vocabulary/linkTypes/dpp"
SCOPE3_STANDARD = {
    "type": ["Standard"],
    "id": "https://ghgprotocol.org/corporate-value-chain-scope-3-standard",
    "name": "GHG Protocol Scope 3 Standard, category 1, average-data method "
    "(cradle-to-gate factors per kg; FabricLoop methodology)",
    "issuingParty": {"id": "https://ghgprotocol.org/", "name": "GHG Protocol (WRI / WBCSD)"},
}
SELLER_DECLARED = {
    "type": ["Standard"],
    "name": "Seller-declared cradle-to-gate footprint per kg (supplier-specific data, "
    "as published on the passport)",
}
# UNTP conformityTopic per certification scheme: what the scheme chiefly attests.
SCHEME_TOPICS = {
    "GRS": "circularity.content",
    "RCS": "circularity.content",
    "GOTS": "environment.biodiversity",
    "OCS": "environment.biodiversity",
    "RWS": "environment.biodiversity",
    "FSC": "environment.deforestation",
    "OEKO-TEX": "social.safety",
    "bluesign": "social.safety",
    "Cradle to Cradle": "circularity.design",
    "EU Ecolabel": "governance.compliance",
    "other": "governance.compliance",
}


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _is_recycled(material: Material, fibre: str) -> bool:
    factor = factor_for_fibre(fibre)
    own = factor_for_type(material.material_type)
    return (
        material.source_type in RECYCLED_SOURCES
        or (factor is not None and factor.is_recycled_type)
        or (material.material_type != "blend" and own is not None and own.is_recycled_type)
    )


def _fibre_origin(view: PassportOut) -> str | None:
    for step in view.supply_chain:
        if step.stage == "fibre" and step.country:
            return step.country
    return view.origin


def _classification(base: str, code: str, name: str) -> dict[str, Any]:
    return {
        "type": ["Classification"],
        "id": f"{base}/api/materials/types#{code}",
        "code": code,
        "name": name,
        "schemeID": f"{base}/api/materials/types",
        "schemeName": "FabricLoop material types",
    }


def _materials(view: PassportOut, material: Material, base: str) -> list[dict[str, Any]]:
    origin = _fibre_origin(view)
    items = list(view.composition)
    if not items and material.material_type not in ("blend", "other"):
        items = [CompositionOut(fibre=material.material_type, percent=Decimal(100))]
    provenance = []
    for item in items:
        recycled = _is_recycled(material, item.fibre)
        entry: dict[str, Any] = {
            "type": ["Material"],
            "name": item.fibre,
            "materialType": _classification(base, normalise_fibre(item.fibre), item.fibre),
            "massFraction": _number(item.percent / 100),
            "recycled": recycled,
            "recycledMassFraction": 1 if recycled else 0,
        }
        if origin:
            entry["originCountry"] = origin
        provenance.append(entry)
    return provenance


def _claims(view: PassportOut, today: date) -> list[dict[str, Any]]:
    claims = []
    for index, cert in enumerate(view.certifications):
        valid = cert.valid_until is None or cert.valid_until >= today
        until = f", valid until {cert.valid_until.isoformat()}" if cert.valid_until else ""
        claims.append(
            {
                "type": ["Claim"],
                "id": f"urn:uuid:{view.passport_id}#certification-{index + 1}",
                "description": f"{cert.scheme} certificate {cert.certificate_id}{until}",
                "referenceStandard": {"type": ["Standard"], "name": cert.scheme},
                "conformityTopic": SCHEME_TOPICS.get(cert.scheme, "governance.compliance"),
                "conformance": valid,
                "declaredValue": [],
            }
        )
    return claims


def _emissions(impact: PerKgImpact) -> dict[str, Any] | None:
    footprint = impact.carbon_footprint_per_kg
    if footprint is None or impact.carbon_footprint_share < 1:
        return None  # no complete cradle-to-gate figure: claim none rather than a partial one
    return {
        "type": ["EmissionsPerformance"],
        "carbonFootprint": _number(footprint.quantize(Decimal("0.001"))),
        "declaredUnit": "kg",
        "operationalScope": "CradleToGate",
        # The seller's own figure is primary data; the factor table is secondary.
        "primarySourcedRatio": 1 if impact.carbon_footprint_from_seller else 0,
        "reportingStandard": SELLER_DECLARED
        if impact.carbon_footprint_from_seller
        else SCOPE3_STANDARD,
    }


def _traceability(view: PassportOut) -> list[dict[str, Any]]:
    steps = []
    for step in view.supply_chain:
        when = f", {step.date.isoformat()}" if step.date else ""
        steps.append(
            {
                "type": ["TraceabilityPerformance"],
                "valueChainProcess": f"{step.stage}: {step.company} ({step.country}{when})",
                # Self-declared by the seller; no traceability event credentials are linked.
                "verifiedRatio": 0,
                "traceabilityEvent": [],
            }
        )
    return steps


def untp_credential(
    view: PassportOut, material: Material, impact: PerKgImpact, base_url: str
) -> dict[str, Any]:
    base = base_url.rstrip("/")
    issuer_id = f"urn:uuid:{material.seller_id}"
    product: dict[str, Any] = {
        "type": ["Product"],
        "id": view.public_url,
        "name": view.title,
        "registeredId": str(view.material_id),
        "idScheme": {
            "type": ["IdentifierScheme"],
            "id": f"{base}/passport/",
            "name": "FabricLoop material id",
        },
        "batchNumber": str(view.material_id),
        "description": material.description or view.title,
        "productCategory": [
            _classification(base, view.material_type, view.material_type.replace("_", " "))
        ],
        "furtherInformation": [
            {
                "type": ["Link"],
                "linkURL": view.public_url,
                "linkName": "Digital Product Passport",
                "linkType": DPP_LINK_TYPE,
            }
        ],
        "producedByParty": {"type": ["Party"], "id": issuer_id, "name": view.issuer.company_name},
    }
    if view.manufacture_date:
        product["productionDate"] = view.manufacture_date.isoformat()
    if view.origin:
        product["countryOfProduction"] = view.origin
    subject: dict[str, Any] = {
        "type": ["ProductPassport"],
        "id": f"urn:uuid:{view.passport_id}",
        "product": product,
        "granularityLevel": "batch",
        "materialsProvenance": _materials(view, material, base),
        "conformityClaim": _claims(view, datetime.now(UTC).date()),
        "traceabilityInformation": _traceability(view),
    }
    emissions = _emissions(impact)
    if emissions is not None:
        subject["emissionsScorecard"] = emissions
    recycled = [m["massFraction"] for m in subject["materialsProvenance"] if m["recycled"]]
    if subject["materialsProvenance"]:
        subject["circularityScorecard"] = {
            "type": ["CircularityPerformance"],
            "recycledContent": _number(sum((Decimal(str(f)) for f in recycled), Decimal(0))),
        }
    return {
        "@context": CONTEXT,
        "type": ["VerifiableCredential", "DigitalProductPassport"],
        "id": view.untp_url,
        "issuer": {"type": ["CredentialIssuer"], "id": issuer_id, "name": view.issuer.company_name},
        "validFrom": _timestamp(view.updated_at),
        "name": f"Digital Product Passport: {view.title}",
        "credentialSubject": subject,
    }
