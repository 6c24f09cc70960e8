"""Listing reports from users, the operator's queue of them, and hiding a listing (with the
reason its seller sees) or unhiding it. Every operator action is in the audit log."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit import service as audit
from fabricloop.auth import service as auth
from fabricloop.auth.models import User
from fabricloop.core.cache import Cache
from fabricloop.core.pagination import Page
from fabricloop.materials import moderation as listings
from fabricloop.materials import service as materials
from fabricloop.materials.schemas import Party
from fabricloop.moderation import repository
from fabricloop.moderation.errors import (
    AlreadyReported,
    CannotReportOwnListing,
    ReportNotFound,
    ReportResolvedAlready,
)
from fabricloop.moderation.models import ListingReport
from fabricloop.moderation.schemas import (
    ListingModerated,
    ReportCreated,
    ReportedListing,
    Reporter,
    ReportIn,
    ReportOut,
    ReportQueue,
    ReportResolved,
)
from fabricloop.notifications import service as notifications


def _now() -> datetime:
    return datetime.now(UTC)


async def report(
    session: AsyncSession, user: User, material_id: uuid.UUID, data: ReportIn
) -> ReportCreated:
    """A user reports a listing they can see (not their own); one open report each."""
    material = await materials.visible_listing(session, material_id, user)
    if material.seller_id == user.id:
        raise CannotReportOwnListing()
    added = await repository.add(
        session,
        ListingReport(
            material_id=material.id, reporter_id=user.id, reason=data.reason, details=data.details
        ),
    )
    if added is None:
        raise AlreadyReported()
    return ReportCreated(
        report_id=added.id,
        material_id=added.material_id,
        reason=data.reason,
        created_at=added.created_at,
    )


async def queue(
    session: AsyncSession,
    page: Page,
    status: str | None,
    reason: str | None,
    material_id: uuid.UUID | None,
) -> ReportQueue:
    rows, total = await repository.queue(
        session, status, reason, material_id, page.limit, page.offset
    )
    return ReportQueue(
        reports=[
            ReportOut(
                report_id=r.id,
                reason=r.reason,
                details=r.details,
                status=r.status,
                material=ReportedListing(
                    material_id=m.id,
                    title=m.title,
                    status=m.status,
                    hidden_reason=m.hidden_reason,
                    seller=Party(user_id=m.seller_id, company_name=seller, verified=verified),
                ),
                reporter=Reporter(user_id=r.reporter_id, company_name=reporter),
                created_at=r.created_at,
                resolved_at=r.resolved_at,
                resolution=r.resolution,
            )
            for r, m, seller, verified, reporter in rows
        ],
        total=total,
        page=page.page,
        limit=page.limit,
    )


async def dismiss(
    session: AsyncSession, admin: User, report_id: uuid.UUID, reason: str | None
) -> ReportResolved:
    """The operator found nothing to act on."""
    found = await repository.lock(session, report_id)
    if found is None:
        raise ReportNotFound()
    if found.status != "open":
        raise ReportResolvedAlready()
    found.status = "dismissed"
    found.resolved_at = _now()
    found.resolved_by = admin.id
    found.resolution = reason
    found = await repository.flush(session, found)
    await audit.record(
        session,
        admin,
        "report.dismiss",
        "report",
        found.id,
        reason=reason,
        details={"material_id": found.material_id},
    )
    assert found.resolved_at is not None
    return ReportResolved(report_id=found.id, status="dismissed", resolved_at=found.resolved_at)


async def hide(
    session: AsyncSession, cache: Cache, admin: User, material_id: uuid.UUID, reason: str
) -> ListingModerated:
    """Hide the listing: out of search and caches, 404 to others, its seller told why; its
    open reports are resolved as `actioned`."""
    material = await listings.hide(session, cache, material_id, reason)
    assert material.hidden_at is not None
    resolved = await repository.resolve_open(
        session, material.id, "actioned", admin.id, f"Listing hidden: {reason}", material.hidden_at
    )
    await audit.record(
        session,
        admin,
        "material.hide",
        "material",
        material.id,
        reason=reason,
        details={"seller_id": material.seller_id, "reports_resolved": resolved},
    )
    await notifications.notify(
        session,
        material.seller_id,
        "listing_hidden",
        f"Your listing “{material.title}” was hidden",
        f"FabricLoop's operator hid it from the marketplace: {reason}",
        f"/materials/{material.id}",
    )
    return ListingModerated(
        material_id=material.id,
        status=material.status,
        hidden_at=material.hidden_at,
        hidden_reason=material.hidden_reason,
        reports_resolved=resolved,
    )


async def unhide(
    session: AsyncSession, cache: Cache, admin: User, material_id: uuid.UUID, reason: str | None
) -> ListingModerated:
    """Lift the hold; the listing returns to its status unless its seller is suspended."""
    material = await listings.listing_of(session, material_id)
    seller = await auth.get_user(session, material.seller_id)
    suspended = seller is not None and seller.suspended_at is not None
    material = await listings.unhide(session, cache, material_id, seller_suspended=suspended)
    await audit.record(
        session,
        admin,
        "material.unhide",
        "material",
        material.id,
        reason=reason,
        details={"status": material.status},
    )
    return ListingModerated(
        material_id=material.id,
        status=material.status,
        hidden_at=None,
        hidden_reason=None,
        reports_resolved=0,
    )
