import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from fabricloop.audit import service
from fabricloop.audit.errors import InvalidDateRange
from fabricloop.audit.schemas import AuditLog
from fabricloop.auth.deps import ADMIN_ONLY
from fabricloop.auth.errors import ADMIN_ERRORS
from fabricloop.core.db import DbSession
from fabricloop.core.errors import InvalidQuery, responses
from fabricloop.core.pagination import Pagination

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=ADMIN_ONLY)


@router.get(
    "/audit",
    responses=responses(*ADMIN_ERRORS, InvalidQuery, InvalidDateRange),
    description="Every operator action, newest first: who (`admin`), what (`action`, "
    "`target_type`, `target_id`), when (`created_at`) and why (`reason`). Filters are "
    "optional and combine; `start_date` / `end_date` are inclusive UTC dates (start after end: "
    "400 `invalid_date_range`; a malformed value: 400 `invalid_query`). Admins only.",
)
async def get_audit_log(
    session: DbSession,
    page: Pagination,
    admin_id: uuid.UUID | None = None,
    action: Annotated[
        str | None, Query(max_length=60, pattern=r"^[a-z_.]+$", examples=["user.suspend"])
    ] = None,
    target_type: Annotated[
        str | None, Query(max_length=40, pattern=r"^[a-z_]+$", examples=["user"])
    ] = None,
    target_id: uuid.UUID | None = None,
    start_date: Annotated[date | None, Query(description="YYYY-MM-DD, inclusive (UTC).")] = None,
    end_date: Annotated[date | None, Query(description="YYYY-MM-DD, inclusive (UTC).")] = None,
) -> AuditLog:
    """The audit log of operator actions."""
    return await service.audit_log(
        session,
        page,
        admin_id=admin_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        start_date=start_date,
        end_date=end_date,
    )
