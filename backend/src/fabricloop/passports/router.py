import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from fabricloop.auth.deps import CurrentUser, OptionalUser
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache, AppSettings
from fabricloop.core.errors import Unauthorized, Unprocessable, responses
from fabricloop.passports import digital_link as dl
from fabricloop.passports import service
from fabricloop.passports.context import EXTENSION_CONTEXT_PATH, extension_context
from fabricloop.passports.errors import NotPassportOwner, PassportNotFound
from fabricloop.passports.schemas import MetricCreated, MetricsCreate, PassportOut, PassportUpdate
from fabricloop.passports.signing import MEDIA_TYPE as VC_JWT
from fabricloop.passports.signing import SigningKeys, signing_keys

router = APIRouter(prefix="/api/passports", tags=["passports"])


def _keys(settings: AppSettings) -> SigningKeys:
    return signing_keys(settings)


PassportKeys = Annotated[SigningKeys, Depends(_keys)]
LotQuery = Annotated[
    str | None,
    Query(
        max_length=64,
        description="A lot code of the listing: that lot's own passport (its `parentPassport` "
        "the listing's); an unknown lot is 404.",
    ),
]
# Paths outside /api/passports: the JSON-LD extension context, the DID document, the GS1
# Digital Link resolver.
identity_router = APIRouter(tags=["passports"])

PUBLIC_NOTE = (
    " Public (what a scanned QR code opens); a passport outlives its listing and stays public "
    "after the listing is archived or deleted, but a draft's passport is 404 to all but its "
    "owner."
)


@router.get(
    "/{material_id}",
    response_model=PassportOut,
    responses=responses(PassportNotFound),
    description="The Digital Product Passport of a material." + PUBLIC_NOTE,
)
async def get_passport(
    material_id: uuid.UUID, session: DbSession, settings: AppSettings, viewer: OptionalUser
) -> PassportOut:
    """Get a passport"""
    return await service.get_passport(session, settings.public_base_url, material_id, viewer)


@router.put(
    "/{material_id}",
    response_model=PassportOut,
    responses=responses(Unauthorized, NotPassportOwner, PassportNotFound, Unprocessable),
    description="The seller updates origin, manufacture date, supply chain, certifications "
    "and composition (the fields sent; validated as at material creation). The change is "
    "recorded with its old and new values.",
)
async def update_passport(
    material_id: uuid.UUID,
    body: PassportUpdate,
    session: DbSession,
    cache: AppCache,
    settings: AppSettings,
    user: CurrentUser,
) -> PassportOut:
    """Update a passport"""
    return await service.update_passport(
        session, cache, settings.public_base_url, user, material_id, body
    )


@router.post(
    "/{material_id}/metrics",
    status_code=201,
    response_model=MetricCreated,
    responses=responses(Unauthorized, NotPassportOwner, PassportNotFound, Unprocessable),
    description="Append a sustainability metrics record; the latest applies and earlier "
    "records stay in `metrics_history`.",
)
async def add_passport_metrics(
    material_id: uuid.UUID,
    body: MetricsCreate,
    session: DbSession,
    cache: AppCache,
    user: CurrentUser,
) -> MetricCreated:
    """Add sustainability metrics"""
    metric = await service.add_metrics(session, cache, user, material_id, body)
    return MetricCreated(metric_id=metric.id, created_at=metric.recorded_at)


@router.get(
    "/{material_id}/qr.svg",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {}}, "description": "An SVG QR code."},
        **responses(PassportNotFound),
    },
    description="An SVG QR code of the passport's public page URL (`public_url`)." + PUBLIC_NOTE,
)
async def get_passport_qr(
    material_id: uuid.UUID, session: DbSession, settings: AppSettings, viewer: OptionalUser
) -> Response:
    """Get the passport's QR code"""
    svg = await service.passport_qr_svg(session, settings.public_base_url, material_id, viewer)
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get(
    "/{material_id}/untp.json",
    response_class=JSONResponse,
    responses={
        200: {"content": {"application/json": {}}, "description": "A UNTP DPP credential."},
        **responses(PassportNotFound),
    },
    description="The passport as a UN Transparency Protocol Digital Product Passport (W3C "
    "Verifiable Credential, UNTP DPP 0.6.1 subject, issued by the did:web of the "
    "marketplace); the signed form is `credential.jwt`; see docs/untp.md." + PUBLIC_NOTE,
)
async def get_passport_untp(
    material_id: uuid.UUID,
    session: DbSession,
    settings: AppSettings,
    viewer: OptionalUser,
    lot: LotQuery = None,
) -> dict[str, Any]:
    """Get the passport as a UNTP credential"""
    return await service.passport_untp(session, settings.public_base_url, material_id, viewer, lot)


@identity_router.get(
    EXTENSION_CONTEXT_PATH,
    response_class=JSONResponse,
    responses={200: {"content": {"application/ld+json": {}}, "description": "A context."}},
    description="FabricLoop's JSON-LD context for the passport terms UNTP has no word for "
    "(sourceType, availableQuantity, avoidedImpact, parentPassport); the third @context "
    "of every UNTP credential. See docs/untp.md.",
)
async def get_extension_context(settings: AppSettings) -> JSONResponse:
    """Get the passport extension context"""
    return JSONResponse(
        extension_context(settings.public_base_url),
        media_type="application/ld+json",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get(
    "/{material_id}/credential.jwt",
    response_class=Response,
    responses={
        200: {
            "content": {VC_JWT: {"schema": {"type": "string"}}},
            "description": "The signed credential: a JWS compact serialisation.",
        },
        **responses(PassportNotFound),
    },
    description="The UNTP credential of `untp.json`, signed by the marketplace: VC-JOSE "
    "enveloped (JWS compact, `alg` ES256, `typ` vc+jwt, `cty` vc, `kid` the DID URL of the "
    "verification method in `/.well-known/did.json`); the payload is the credential itself."
    + PUBLIC_NOTE,
)
async def get_passport_credential(
    material_id: uuid.UUID,
    session: DbSession,
    settings: AppSettings,
    keys: PassportKeys,
    viewer: OptionalUser,
    lot: LotQuery = None,
) -> Response:
    """Get the signed passport credential"""
    token = await service.passport_credential_jwt(
        session, settings.public_base_url, keys, material_id, viewer, lot
    )
    return Response(token, media_type=VC_JWT)


@identity_router.get(
    "/.well-known/did.json",
    response_class=JSONResponse,
    responses={200: {"content": {"application/did+ld+json": {}}, "description": "A DID doc."}},
    description="The DID document of `did:web:{host}`, the issuer of every passport "
    "credential: its public keys (JsonWebKey2020, EC P-256), the current one first and "
    "retired ones after it, so credentials signed before a key rotation still verify.",
)
async def get_did_document(settings: AppSettings, keys: PassportKeys) -> JSONResponse:
    """Get the marketplace's DID document"""
    return JSONResponse(
        service.did_document_of(settings.public_base_url, keys),
        media_type="application/did+ld+json",
        headers={"Cache-Control": "public, max-age=300"},
    )


LinkType = Annotated[
    str | None,
    Query(
        alias="linkType",
        max_length=200,
        description="`linkset` (or `all`): the RFC 9264 linkset; `gs1:dpp`, "
        "`gs1:sustainabilityInfo`, `gs1:certificationInfo`, `gs1:defaultLink`: a redirect "
        "to that link; anything else: as without it.",
    ),
]
DIGITAL_LINK_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            dl.HTML: {"schema": {"type": "string"}},
            dl.JSON_LD: {"schema": {"type": "object"}},
            dl.LINKSET: {"schema": {"type": "object"}},
        },
        "description": "By the Accept header: HTML for a browser (and `*/*`), the UNTP "
        "credential for `application/ld+json` or `application/json`, the linkset for "
        "`application/linkset+json` or `?linkType=linkset`.",
    },
    307: {"description": "`?linkType=gs1:...`: a redirect to that link."},
    **responses(PassportNotFound),
}
DIGITAL_LINK_NOTE = (
    " A GTIN that is malformed, fails its check digit, or belongs to no published listing, "
    "and a lot code the listing does not have, are 404. The GTIN may be written with 8, 12, "
    "13 or 14 digits. Responses carry `Vary: Accept` and a `Link` header to the linkset."
)


async def _digital_link(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    gtin: str,
    lot_code: str | None,
    link_type: str | None,
) -> Response:
    resolved = await service.resolve_digital_link(session, settings.public_base_url, gtin, lot_code)
    view = resolved.view
    links = dl.targets(view, view.credential_url)
    headers = {
        "Vary": "Accept",
        "Link": f'<{resolved.anchor}?linkType=linkset>; rel="linkset"; type="{dl.LINKSET}"',
    }
    accept = request.headers.get("accept")
    if link_type in ("linkset", "all") or (
        link_type is None and dl.negotiate(accept) == dl.LINKSET
    ):
        return JSONResponse(
            dl.linkset(resolved.anchor, links), media_type=dl.LINKSET, headers=headers
        )
    if link_type:
        target = dl.link_type_target(link_type, links)
        if target is not None:
            return RedirectResponse(target.href, status_code=307, headers=headers)
    if dl.negotiate(accept) in (dl.JSON_LD, dl.JSON):
        return JSONResponse(resolved.credential, media_type=dl.JSON_LD, headers=headers)
    recycled = resolved.credential["credentialSubject"].get("circularityScorecard", {})
    page = dl.html_page(view, resolved.anchor, recycled.get("recycledContent"), lot_code)
    return HTMLResponse(page, headers=headers)


@identity_router.get(
    "/01/{gtin}",
    response_class=Response,
    responses=DIGITAL_LINK_RESPONSES,
    description="GS1 Digital Link resolver: the passport of the listing with this GTIN."
    + DIGITAL_LINK_NOTE,
)
async def resolve_gtin(
    gtin: str,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    link_type: LinkType = None,
) -> Response:
    """Resolve a GS1 Digital Link"""
    return await _digital_link(request, session, settings, gtin, None, link_type)


@identity_router.get(
    "/01/{gtin}/10/{lot_code:path}",
    response_class=Response,
    responses=DIGITAL_LINK_RESPONSES,
    description="GS1 Digital Link resolver: the passport of one lot (batch/lot, AI 10) of "
    "the listing with this GTIN." + DIGITAL_LINK_NOTE,
)
async def resolve_gtin_lot(
    gtin: str,
    lot_code: str,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    link_type: LinkType = None,
) -> Response:
    """Resolve a GS1 Digital Link with a lot"""
    return await _digital_link(request, session, settings, gtin, lot_code, link_type)


@identity_router.get("/01/{rest:path}", include_in_schema=False)
async def resolve_unknown_qualifier() -> Response:
    """Any other path under /01/ (an unknown qualifier) is 404, never the web app's page."""
    raise PassportNotFound()
