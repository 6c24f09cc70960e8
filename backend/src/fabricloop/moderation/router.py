import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from fabricloop.audit.schemas import OptionalReasonIn, ReasonIn
from fabricloop.auth.deps import ADMIN_ONLY, AdminUser, CurrentUser
from fabricloop.auth.errors import ADMIN_ERRORS, InvalidSession
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache
from fabricloop.core.errors import InvalidQuery, Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.materials.errors import AlreadyHidden, MaterialNotFound, NotHidden
from fabricloop.moderation import service
from fabricloop.moderation.errors import (
    AlreadyReported,
    CannotReportOwnListing,
    ReportNotFound,
    ReportResolvedAlready,
)
from fabricloop.moderation.schemas import (
    ListingModerated,
    ReportCreated,
    ReportIn,
    ReportQueue,
    ReportReason,
    ReportResolved,
    ReportStatus,
)

reports_router = APIRouter(prefix="/api/materials", tags=["materials"])
router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=ADMIN_ONLY)


@reports_router.post(
    "/{material_id}/reports",
    status_code=status.HTTP_201_CREATED,
    responses=responses(
        InvalidSession, CannotReportOwnListing, MaterialNotFound, AlreadyReported, Unprocessable
    ),
    description="Any signed-in user may report a listing they can see (404 otherwise; 403 for "
    "your own). One open report per user and listing (409 `already_reported`); it goes to the "
    "operator's queue (`GET /api/admin/reports`).",
)
async def report_material(
    material_id: uuid.UUID, data: ReportIn, user: CurrentUser, session: DbSession
) -> ReportCreated:
    """Report a listing to the operator."""
    return await service.report(session, user, material_id, data)


@router.get(
    "/reports",
    responses=responses(*ADMIN_ERRORS, InvalidQuery),
    description="The moderation queue, oldest first. `status` filters (`open` for the work "
    "to do); a listing's reports are `actioned` when it is hidden, `dismissed` by hand.",
)
async def list_reports(
    session: DbSession,
    page: Pagination,
    status: ReportStatus | None = None,
    reason: ReportReason | None = None,
    material_id: Annotated[uuid.UUID | None, Query()] = None,
) -> ReportQueue:
    """Listing reports."""
    return await service.queue(session, page, status, reason, material_id)


@router.post(
    "/reports/{report_id}/dismiss",
    responses=responses(*ADMIN_ERRORS, ReportNotFound, ReportResolvedAlready, Unprocessable),
)
async def dismiss_report(
    report_id: uuid.UUID,
    admin: AdminUser,
    session: DbSession,
    data: OptionalReasonIn | None = None,
) -> ReportResolved:
    """Close a report without action (409 `report_resolved` if it is closed already)."""
    return await service.dismiss(session, admin, report_id, data.reason if data else None)


@router.post(
    "/materials/{material_id}/hide",
    responses=responses(*ADMIN_ERRORS, MaterialNotFound, AlreadyHidden, Unprocessable),
    description="The listing's status becomes `hidden`: out of search and the caches at "
    "once, 404 to everyone but its seller, the parties of its orders and admins, not "
    "purchasable. The seller is notified and sees `hidden_reason` on the listing; its open "
    "reports become `actioned`. 409 `already_hidden`; 404 for an unknown or deleted listing.",
)
async def hide_material(
    material_id: uuid.UUID,
    data: ReasonIn,
    admin: AdminUser,
    session: DbSession,
    cache: AppCache,
) -> ListingModerated:
    """Hide a listing."""
    return await service.hide(session, cache, admin, material_id, data.reason)


@router.post(
    "/materials/{material_id}/unhide",
    responses=responses(*ADMIN_ERRORS, MaterialNotFound, NotHidden, Unprocessable),
    description="The listing returns to the status it had (`active` or `sold_out` by its "
    "stock now), unless its seller is suspended: then it stays `hidden` until the "
    "unsuspension. 409 `not_hidden`.",
)
async def unhide_material(
    material_id: uuid.UUID,
    admin: AdminUser,
    session: DbSession,
    cache: AppCache,
    data: OptionalReasonIn | None = None,
) -> ListingModerated:
    """Unhide a listing."""
    return await service.unhide(session, cache, admin, material_id, data.reason if data else None)
