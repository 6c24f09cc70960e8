import uuid

from fastapi import APIRouter, Response, status

from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import InvalidSession
from fabricloop.core.db import DbSession
from fabricloop.core.errors import InvalidQuery, Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.saved_searches import service
from fabricloop.saved_searches.errors import SavedSearchNotFound, TooManySavedSearches
from fabricloop.saved_searches.schemas import SavedSearchCreate, SavedSearchList, SavedSearchOut

router = APIRouter(prefix="/api/saved-searches", tags=["saved searches"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(InvalidSession, TooManySavedSearches, Unprocessable),
    description="`query` holds parameters of `GET /api/materials` (a JSON object; "
    "`material_type` a list or one value), checked as that search checks them: an invalid "
    "or unknown one is a 422 naming it (`query.min_price`). With `alert` (the default), each "
    "listing published later (created, or made active from draft or archived) that the search "
    "matches notifies the owner once (kind `saved_search_match`), within about a minute; the "
    "owner's own listings never do. At most 100 saved searches per user (409 "
    "`too_many_saved_searches`).",
)
async def create_saved_search(
    data: SavedSearchCreate, user: CurrentUser, session: DbSession
) -> SavedSearchOut:
    """Save a search."""
    return await service.create(session, user, data)


@router.get("", responses=responses(InvalidSession, InvalidQuery))
async def list_saved_searches(
    user: CurrentUser, session: DbSession, page: Pagination
) -> SavedSearchList:
    """The caller's saved searches, newest first."""
    return await service.list_saved(session, user, page)


@router.delete(
    "/{saved_search_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(InvalidSession, SavedSearchNotFound),
    description="404 for an unknown id or another user's saved search.",
)
async def delete_saved_search(
    saved_search_id: uuid.UUID, user: CurrentUser, session: DbSession
) -> Response:
    """Delete a saved search (its alerts stop)."""
    await service.delete(session, user, saved_search_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
