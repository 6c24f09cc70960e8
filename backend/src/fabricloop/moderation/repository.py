"""Every SQL statement of listing reports."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from fabricloop.moderation.models import ListingReport

Reporter = aliased(User, name="reporter")
Seller = aliased(User, name="seller")


async def add(session: AsyncSession, report: ListingReport) -> ListingReport | None:
    """None when the reporter has an open report of the listing already (the partial unique
    index decides, so two at once can't both pass)."""
    try:
        async with session.begin_nested():
            session.add(report)
            await session.flush()
    except IntegrityError as error:
        if "uq_listing_reports_open_per_reporter" in str(error.orig):
            return None
        raise
    await session.refresh(report)
    return report


QueueRow = tuple[ListingReport, Material, str, bool, str]


async def queue(
    session: AsyncSession,
    status: str | None,
    reason: str | None,
    material_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[QueueRow], int]:
    """Reports oldest first (the queue's order), each with its listing, the seller's name and
    verification, and the reporter's name."""
    conditions: list[ColumnElement[bool]] = []
    if status is not None:
        conditions.append(ListingReport.status == status)
    if reason is not None:
        conditions.append(ListingReport.reason == reason)
    if material_id is not None:
        conditions.append(ListingReport.material_id == material_id)
    total = await session.scalar(select(func.count()).select_from(ListingReport).where(*conditions))
    result = await session.execute(
        select(
            ListingReport,
            Material,
            Seller.company_name,
            Seller.verified_at.is_not(None),
            Reporter.company_name,
        )
        .join(Material, Material.id == ListingReport.material_id)
        .join(Seller, Seller.id == Material.seller_id)
        .join(Reporter, Reporter.id == ListingReport.reporter_id)
        .where(*conditions)
        .order_by(ListingReport.created_at, ListingReport.id)
        .limit(limit)
        .offset(offset)
    )
    return [(r[0], r[1], r[2], bool(r[3]), r[4]) for r in result.all()], int(total or 0)


async def lock(session: AsyncSession, report_id: uuid.UUID) -> ListingReport | None:
    result = await session.execute(
        select(ListingReport)
        .where(ListingReport.id == report_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def flush(session: AsyncSession, report: ListingReport) -> ListingReport:
    await session.flush()
    await session.refresh(report)
    return report


async def resolve_open(
    session: AsyncSession,
    material_id: uuid.UUID,
    status: str,
    by: uuid.UUID,
    note: str,
    at: datetime,
) -> int:
    result = await session.execute(
        update(ListingReport)
        .where(ListingReport.material_id == material_id, ListingReport.status == "open")
        .values(status=status, resolved_at=at, resolved_by=by, resolution=note)
        .returning(ListingReport.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())
