import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from fabricloop.auth.errors import InvalidSession
from fabricloop.auth.models import User
from fabricloop.core import vocabulary
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache, CurrentUser, get_current_user
from fabricloop.core.errors import Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.core.storage import AppStorage
from fabricloop.materials import search, search_query, service
from fabricloop.materials.deps import ReadContext, ReadSession
from fabricloop.materials.errors import (
    ImageNotFound,
    InvalidSearch,
    ListingNotAllowed,
    MaterialNotFound,
    NotMaterialOwner,
)
from fabricloop.materials.schemas import (
    MaterialCreate,
    MaterialCreated,
    MaterialDeleted,
    MaterialDetail,
    MaterialSearch,
    MaterialType,
    MaterialTypes,
    MaterialUpdate,
    MaterialUpdated,
    SourceType,
)

router = APIRouter(prefix="/api/materials", tags=["materials"])

JSON = "application/json"


@router.get("/types")
async def list_material_types() -> MaterialTypes:
    """The closed vocabularies of listings."""
    return MaterialTypes(
        material_types=list(vocabulary.MATERIAL_TYPES),
        source_types=list(vocabulary.SOURCE_TYPES),
        units=list(vocabulary.UNITS),
        currencies=list(vocabulary.CURRENCIES),
        certification_schemes=list(vocabulary.CERTIFICATION_SCHEMES),
        supply_chain_stages=list(vocabulary.SUPPLY_CHAIN_STAGES),
    )


@router.get(
    "",
    response_model=MaterialSearch,
    responses=responses(InvalidSearch),
    description=search.DESCRIPTION,
)
async def list_materials(
    request: Request,
    lazy_session: ReadSession,
    cache: AppCache,
    storage: AppStorage,
    page: Pagination,
    # Declared for the OpenAPI schema; parse_query checks them all from the raw query.
    q: Annotated[str | None, Query(max_length=search_query.MAX_Q_LENGTH)] = None,
    material_type: Annotated[list[MaterialType] | None, Query()] = None,
    source_type: SourceType | None = None,
    min_price: Annotated[Decimal | None, Query(ge=0)] = None,
    max_price: Annotated[Decimal | None, Query(ge=0)] = None,
    quantity: Annotated[Decimal | None, Query(ge=0, description="Minimum available.")] = None,
    currency: Annotated[str | None, Query(description="ISO 4217, one of `currencies`.")] = None,
    origin_country: Annotated[str | None, Query(description="ISO 3166-1 alpha-2.")] = None,
    certification: Annotated[str | None, Query(description="A scheme.")] = None,
    seller_id: uuid.UUID | None = None,
    sort: search_query.Sort | None = None,
) -> Response:
    """Search active listings."""
    query = search_query.parse_query(request.query_params, page)
    replica = request.app.state.replica
    body = await search.search_json(lazy_session, replica, cache, storage.url, query)
    return Response(body, media_type=JSON)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(InvalidSession, ListingNotAllowed, ImageNotFound, Unprocessable),
    description="Only `manufacturer` accounts list materials: a `brand` gets 403 `forbidden`. "
    "The listing is created `active`, with its Digital Product Passport.",
)
async def create_material(
    data: MaterialCreate, user: CurrentUser, session: DbSession, cache: AppCache
) -> MaterialCreated:
    """List a material."""
    material = await service.create_material(session, cache, user, data)
    return MaterialCreated(
        material_id=material.id,
        title=material.title,
        status="active",
        created_at=material.created_at,
    )


@router.get(
    "/{material_id}",
    response_model=MaterialDetail,
    responses=responses(MaterialNotFound),
    description="Public for `active` and `sold_out` listings; a `draft` or `archived` one is "
    "404 to everyone but its seller and the parties of its transactions; a deleted one is 404. "
    "Public listings are served from a 5-minute cache that every change invalidates. No token "
    "is needed; a seller (or a party) sends theirs to see a draft.",
)
async def get_material(material_id: uuid.UUID, request: Request) -> Response:
    """A listing with its images, latest metrics, impact and passport id."""
    context = ReadContext(request)
    cached = await service.cached_detail(context.cache, request.scope, material_id)
    if cached is not None:
        return Response(cached, media_type=JSON)
    async with context.session() as session:

        async def viewer() -> User | None:
            # Only a non-public listing needs to know who asks; a bad token then is a 401.
            credentials = await context.credentials()
            if credentials is None:
                return None
            return await get_current_user(request, session, context.settings, credentials)

        body = await service.material_detail(
            session, context.cache, context.storage.url, material_id, viewer
        )
    return Response(body, media_type=JSON)


@router.put(
    "/{material_id}",
    responses=responses(
        InvalidSession, NotMaterialOwner, MaterialNotFound, ImageNotFound, Unprocessable
    ),
)
async def update_material(
    material_id: uuid.UUID,
    data: MaterialUpdate,
    user: CurrentUser,
    session: DbSession,
    cache: AppCache,
) -> MaterialUpdated:
    """Change some fields of your listing."""
    material = await service.update_material(session, cache, user, material_id, data)
    return MaterialUpdated(material_id=material.id, updated_at=material.updated_at)


@router.delete(
    "/{material_id}",
    responses=responses(InvalidSession, NotMaterialOwner, MaterialNotFound),
)
async def delete_material(
    material_id: uuid.UUID, user: CurrentUser, session: DbSession, cache: AppCache
) -> MaterialDeleted:
    """Remove your listing (a soft delete; its passport stays)."""
    material = await service.delete_material(session, cache, user, material_id)
    return MaterialDeleted(message="The material was deleted.", material_id=material.id)
