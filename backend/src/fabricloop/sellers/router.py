import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import InvalidSession
from fabricloop.core.db import DbSession
from fabricloop.core.errors import InvalidQuery, responses
from fabricloop.core.pagination import Pagination
from fabricloop.core.storage import AppStorage
from fabricloop.sellers import service
from fabricloop.sellers.errors import SellerNotFound
from fabricloop.sellers.schemas import Catalogue, Storefront

router = APIRouter(prefix="/api/sellers", tags=["sellers"])

Status = Literal["draft", "active", "sold_out", "archived"]


@router.get(
    "/me/materials",
    responses=responses(InvalidSession, InvalidQuery),
    description="Every listing of the caller but deleted ones, newest first; `status` keeps "
    "one status (`draft`, `active`, `sold_out`, `archived`; another value is a 400).",
)
async def my_catalogue(
    user: CurrentUser,
    session: DbSession,
    page: Pagination,
    storage: AppStorage,
    status: Annotated[Status | None, Query()] = None,
) -> Catalogue:
    """The caller's whole catalogue, by status."""
    return await service.catalogue(session, user, status, page, storage.url)


@router.get(
    "/{seller_id}",
    responses=responses(SellerNotFound, InvalidQuery),
    description="Public: the seller's company name, verified badge, country, when they joined, "
    "what their materials saved buyers (`impact`: emissions and water avoided versus virgin "
    "material over their completed orders, as the sustainability reports compute them), "
    "how many active listings they have, and a page of those listings (`page`, `limit`) as "
    "search shows them. 404 for an unknown, deactivated or suspended account, or one that is "
    "not a `manufacturer`.",
)
async def get_storefront(
    seller_id: uuid.UUID, session: DbSession, page: Pagination, storage: AppStorage
) -> Storefront:
    """A seller's storefront."""
    return await service.storefront(session, seller_id, page, storage.url)
