from datetime import UTC, datetime

from fastapi import APIRouter, Response, status

from fabricloop.account import service
from fabricloop.account.schemas import AccountExport, DeletionScheduled
from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import InvalidSession
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache, AppSettings
from fabricloop.core.errors import responses

router = APIRouter(prefix="/api/auth", tags=["account"])


@router.get(
    "/export",
    response_model=AccountExport,
    responses={
        **responses(InvalidSession),
        200: {
            "description": "A JSON attachment (`fabricloop-export-<date>.json`).",
            "headers": {
                "Content-Disposition": {
                    "description": "attachment; filename=fabricloop-export-YYYY-MM-DD.json",
                    "schema": {"type": "string"},
                }
            },
        },
    },
)
async def get_export(user: CurrentUser, session: DbSession) -> Response:
    """Download every record of the account as one JSON file."""
    body = await service.export(session, user)
    filename = f"fabricloop-export-{datetime.now(UTC).date().isoformat()}.json"
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": f"attachment; filename={filename}",
            "Cache-Control": "no-store",
        },
    )


@router.delete(
    "/delete",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(InvalidSession),
    description="At once: login and every token stop working, the listings are archived, and "
    "unpaid orders the user is a party of (as buyer or seller) are cancelled, their stock "
    "returned. Paid orders stay for the other party to see through. Personal data is "
    "anonymised after the grace period (`delete_after`); transactions are kept, anonymised.",
)
async def delete_account(
    user: CurrentUser, session: DbSession, settings: AppSettings, cache: AppCache
) -> DeletionScheduled:
    """Deactivate the account now and schedule its personal data for anonymisation."""
    return await service.schedule_deletion(session, settings, cache, user)
