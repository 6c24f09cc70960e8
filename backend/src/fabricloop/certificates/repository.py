import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Row, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.certificates.models import Certificate
from fabricloop.documents.models import UploadedDocument

BATCH = 200


async def add(session: AsyncSession, certificate: Certificate) -> Certificate:
    session.add(certificate)
    await session.flush()
    await session.refresh(certificate)
    return certificate


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def lock(session: AsyncSession, certificate_id: uuid.UUID) -> Certificate | None:
    result = await session.execute(
        select(Certificate)
        .where(Certificate.id == certificate_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def document_and_holder(
    session: AsyncSession, certificate: Certificate
) -> tuple[UploadedDocument, User]:
    row = (
        await session.execute(
            select(UploadedDocument, User)
            .join(User, User.id == UploadedDocument.owner_id)
            .where(UploadedDocument.id == certificate.document_id)
        )
    ).one()
    return row[0], row[1]


def effective_status(today: date) -> ColumnElement[str]:
    """The status a reader sees: an approved certificate past its validity is expired."""
    return case(
        (
            and_(Certificate.status == "approved", Certificate.valid_until < today),
            "expired",
        ),
        else_=Certificate.status,
    )


async def list_with_documents(
    session: AsyncSession,
    *,
    owner_id: uuid.UUID | None,
    status: str | None,
    today: date,
    offset: int,
    limit: int,
) -> tuple[Sequence[Row[Certificate, UploadedDocument, User]], int]:
    """Certificates (of one owner, or all; in one effective status, or any) with their
    document and holder: newest first for an owner, oldest first (a queue) for review."""
    conditions = []
    if owner_id is not None:
        conditions.append(Certificate.owner_id == owner_id)
    if status is not None:
        conditions.append(effective_status(today) == status)
    order = (
        (Certificate.created_at.desc(), Certificate.id)
        if owner_id is not None
        else (Certificate.created_at, Certificate.id)
    )
    query = (
        select(Certificate, UploadedDocument, User)
        .join(UploadedDocument, UploadedDocument.id == Certificate.document_id)
        .join(User, User.id == Certificate.owner_id)
        .where(*conditions)
    )
    rows = (await session.execute(query.order_by(*order).offset(offset).limit(limit))).all()
    total = await session.scalar(select(func.count()).select_from(Certificate).where(*conditions))
    return rows, int(total or 0)


async def find(session: AsyncSession, certificate_ids: Sequence[uuid.UUID]) -> list[Certificate]:
    if not certificate_ids:
        return []
    result = await session.execute(select(Certificate).where(Certificate.id.in_(certificate_ids)))
    return list(result.scalars())


async def lock_lapsed(session: AsyncSession, today: date) -> list[Certificate]:
    """Approved certificates past their validity, not yet recorded as expired."""
    result = await session.execute(
        select(Certificate)
        .where(Certificate.status == "approved", Certificate.valid_until < today)
        .order_by(Certificate.valid_until, Certificate.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    return list(result.scalars())


async def lock_expiring(session: AsyncSession, today: date, until: date) -> list[Certificate]:
    """Approved certificates ending between today and `until` whose holder was not told."""
    result = await session.execute(
        select(Certificate)
        .where(
            Certificate.status == "approved",
            Certificate.valid_until >= today,
            Certificate.valid_until <= until,
            Certificate.expiry_notified_at.is_(None),
        )
        .order_by(Certificate.valid_until, Certificate.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    return list(result.scalars())
