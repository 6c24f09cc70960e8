import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import TypeAdapter, ValidationError
from starlette.types import Scope

from fabricloop.auth.deps import CurrentUser, OptionalCredentials, get_current_user
from fabricloop.auth.errors import InvalidSession
from fabricloop.auth.models import User
from fabricloop.core.cache import prefetched
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache, AppReplica, AppSettings, cache_of
from fabricloop.core.errors import Unprocessable, responses
from fabricloop.core.storage import AppStorage
from fabricloop.materials import search, service
from fabricloop.materials.errors import (
    ImageNotFound,
    InvalidSearch,
    ListingHidden,
    ListingNotAllowed,
    MaterialNotFound,
    NotMaterialOwner,
)
from fabricloop.materials.listing_cache import material_key
from fabricloop.materials.schemas import (
    MaterialCreate,
    MaterialCreated,
    MaterialDeleted,
    MaterialDetail,
    MaterialSearch,
    MaterialTypes,
    MaterialUpdate,
    MaterialUpdated,
)
from fabricloop.materials.search_query import SINGLE_VALUED, SearchParams

router = APIRouter(prefix="/api/materials", tags=["materials"])

JSON = "application/json"


@router.get("/types")
async def list_material_types() -> MaterialTypes:
    """The closed vocabularies of listings."""
    return service.material_types()


@router.get(
    "",
    response_model=MaterialSearch,
    responses=responses(InvalidSearch),
    description=search.DESCRIPTION,
)
async def list_materials(
    params: Annotated[SearchParams, Query()],
    request: Request,
    session: DbSession,
    replica: AppReplica,
    cache: AppCache,
    storage: AppStorage,
    settings: AppSettings,
) -> Response:
    """Search active listings."""
    repeated = [n for n in SINGLE_VALUED if len(request.query_params.getlist(n)) > 1]
    if repeated:
        raise InvalidSearch(
            details=[{"field": n, "message": "Give this parameter once."} for n in repeated]
        )
    body = await search.search_json(
        session, replica, cache, storage.url, params.query(settings.search_count_limit)
    )
    return Response(body, media_type=JSON)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(InvalidSession, ListingNotAllowed, ImageNotFound, Unprocessable),
    description="Only `manufacturer` accounts list materials: a `brand` gets 403 `forbidden`. "
    "The listing is created `active`, with its Digital Product Passport.",
)
async def create_material(
    data: MaterialCreate, user: CurrentUser, session: DbSession, request: Request
) -> MaterialCreated:
    """List a material."""
    material = await service.create_material(session, cache_of(request), user, data)
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
    description="Public for `active` and `sold_out` listings; a `draft`, `archived` or "
    "`hidden` one (withheld by the operator, or its seller suspended) is 404 to everyone but "
    "its seller, the parties of its transactions and admins (`hidden_reason` is shown to the "
    "seller and admins only); a deleted one is 404. "
    "Public listings are served from a 5-minute cache that every change invalidates. No token "
    "is needed; a seller (or a party) sends theirs to see a draft.",
)
async def get_material(
    material_id: uuid.UUID,
    request: Request,
    session: DbSession,
    cache: AppCache,
    storage: AppStorage,
    credentials: OptionalCredentials,
) -> Response:
    """A listing with its images, latest metrics, impact and passport id."""
    # What the rate limiter read for this listing on the way in, if it did (core.ratelimit).
    early = prefetched(request.scope, material_key(material_id))
    cached = await service.cached_detail(cache, material_id, early)
    if cached is not None:
        return Response(cached, media_type=JSON)

    async def viewer() -> User | None:
        # Only a non-public listing needs to know who asks; a bad token then is a 401.
        if credentials is None:
            return None
        return await get_current_user(request, session, credentials)

    body = await service.material_detail(session, cache, storage.url, material_id, viewer)
    return Response(body, media_type=JSON)


@router.put(
    "/{material_id}",
    responses=responses(
        InvalidSession,
        NotMaterialOwner,
        MaterialNotFound,
        ImageNotFound,
        ListingHidden,
        Unprocessable,
    ),
    description="A listing the operator has hidden keeps its status `hidden` (sending `status` "
    "is 409 `listing_hidden`); its other fields can change.",
)
async def update_material(
    material_id: uuid.UUID,
    data: MaterialUpdate,
    user: CurrentUser,
    session: DbSession,
    request: Request,
) -> MaterialUpdated:
    """Change some fields of your listing."""
    material = await service.update_material(session, cache_of(request), user, material_id, data)
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


_DETAIL_PREFIX = "/api/materials/"
DETAIL_ENDPOINT = _DETAIL_PREFIX + "{material_id}"
# The parser FastAPI applies to the route's `material_id`: a path it would refuse (404) must
# not be answered from the cache.
_MATERIAL_ID = TypeAdapter(uuid.UUID)


def detail_key_of(scope: Scope) -> str | None:
    """The cache key a `GET /api/materials/{id}` is about to read, for the rate limiter to
    fetch in its own round trip (`core.ratelimit`); None for every other request."""
    path: str = scope["path"]
    if scope["method"] != "GET" or not path.startswith(_DETAIL_PREFIX):
        return None
    tail = path[len(_DETAIL_PREFIX) :]
    if "/" in tail:
        return None
    try:
        return material_key(_MATERIAL_ID.validate_python(tail))
    except ValidationError:
        return None
