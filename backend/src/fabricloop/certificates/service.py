"""Certificates: a seller's certificate with its evidence, reviewed by an operator. A listing's
certification that references one is verified only while it is approved and within its
validity, which is judged whenever it is read; a daily job records the expiry and warns the
holder 30 days before."""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit import service as audit
from fabricloop.auth.models import User
from fabricloop.certificates import repository
from fabricloop.certificates.errors import (
    CertificateExpired,
    CertificateNotFound,
    CertificateNotReviewable,
    NotASeller,
    SchemeMismatch,
)
from fabricloop.certificates.models import Certificate
from fabricloop.certificates.schemas import CertificateCreate
from fabricloop.core.cache import Cache
from fabricloop.core.pagination import Page
from fabricloop.documents import service as documents
from fabricloop.documents.models import UploadedDocument
from fabricloop.notifications.service import notify

EXPIRY_NOTICE = timedelta(days=30)

# Run in the transaction that changes whether certificates verify anything (a review, an
# expiry): materials registers the retirement of the cached listings that reference them
# (it builds on this module, so this module doesn't import it).
ChangeHook = Callable[[AsyncSession, Cache, list[uuid.UUID]], Awaitable[None]]
CHANGE_HOOKS: list[ChangeHook] = []


def on_change(hook: ChangeHook) -> ChangeHook:
    CHANGE_HOOKS.append(hook)
    return hook


async def _changed(session: AsyncSession, cache: Cache, certificate_ids: list[uuid.UUID]) -> None:
    if certificate_ids:
        for hook in CHANGE_HOOKS:
            await hook(session, cache, certificate_ids)


def _now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return _now().date()


def status_on(certificate: Certificate, day: date) -> str:
    if certificate.status == "approved" and certificate.valid_until < day:
        return "expired"
    return certificate.status


def verifies_on(certificate: Certificate, day: date) -> bool:
    return certificate.status == "approved" and (
        certificate.valid_from <= day <= certificate.valid_until
    )


@dataclass(frozen=True)
class CertificateView:
    certificate: Certificate
    document: UploadedDocument
    holder: User


async def create(session: AsyncSession, user: User, data: CertificateCreate) -> Certificate:
    if user.role != "manufacturer":
        raise NotASeller()
    await documents.owned(session, user.id, data.document_id)
    return await repository.add(
        session,
        Certificate(
            owner_id=user.id,
            scheme=data.scheme,
            certificate_number=data.certificate_number,
            issuing_body=data.issuing_body,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            document_id=data.document_id,
            status="pending",
        ),
    )


async def _list(
    session: AsyncSession, owner_id: uuid.UUID | None, status: str | None, page: Page
) -> tuple[list[CertificateView], int]:
    rows, total = await repository.list_with_documents(
        session,
        owner_id=owner_id,
        status=status,
        today=today(),
        offset=page.offset,
        limit=page.limit,
    )
    return [CertificateView(c, d, u) for c, d, u in rows], total


async def list_own(
    session: AsyncSession, user: User, page: Page
) -> tuple[list[CertificateView], int]:
    return await _list(session, user.id, None, page)


async def list_for_review(
    session: AsyncSession, status: str | None, page: Page
) -> tuple[list[CertificateView], int]:
    """Every holder's certificates for the operator, oldest first (a queue)."""
    return await _list(session, None, status, page)


async def _locked(session: AsyncSession, certificate_id: uuid.UUID) -> Certificate:
    certificate = await repository.lock(session, certificate_id)
    if certificate is None:
        raise CertificateNotFound()
    return certificate


async def _reviewed(
    session: AsyncSession, cache: Cache, certificate: Certificate, operator: User, status: str
) -> None:
    now = _now()
    certificate.status = status
    certificate.reviewed_by = operator.id
    certificate.reviewed_at = now
    certificate.updated_at = now
    await repository.flush(session)
    await _changed(session, cache, [certificate.id])


async def approve(
    session: AsyncSession, cache: Cache, operator: User, certificate_id: uuid.UUID
) -> CertificateView:
    """A pending certificate becomes approved, unless it has already expired."""
    certificate = await _locked(session, certificate_id)
    if certificate.status != "pending":
        raise CertificateNotReviewable(f"A {certificate.status} certificate cannot be approved.")
    if certificate.valid_until < today():
        raise CertificateExpired(
            f"The certificate expired on {certificate.valid_until.isoformat()}."
        )
    certificate.rejection_reason = None
    await _reviewed(session, cache, certificate, operator, "approved")
    await audit.record(
        session,
        operator,
        "certificate.approve",
        "certificate",
        certificate.id,
        details={"scheme": certificate.scheme, "valid_until": certificate.valid_until},
    )
    await notify(
        session,
        certificate.owner_id,
        "certificate_reviewed",
        f"{certificate.scheme} certificate approved",
        f"Your {certificate.scheme} certificate {certificate.certificate_number} was approved: "
        "listings that reference it show it as verified.",
        "/certificates",
    )
    return await _view(session, certificate)


async def reject(
    session: AsyncSession, cache: Cache, operator: User, certificate_id: uuid.UUID, reason: str
) -> CertificateView:
    """A pending certificate is rejected, or an approved one withdrawn, with a reason."""
    certificate = await _locked(session, certificate_id)
    if certificate.status not in ("pending", "approved"):
        raise CertificateNotReviewable(f"A {certificate.status} certificate cannot be rejected.")
    was = certificate.status
    certificate.rejection_reason = reason
    await _reviewed(session, cache, certificate, operator, "rejected")
    await audit.record(
        session,
        operator,
        "certificate.reject",
        "certificate",
        certificate.id,
        reason=reason,
        details={"scheme": certificate.scheme, "was": was},
    )
    await notify(
        session,
        certificate.owner_id,
        "certificate_reviewed",
        f"{certificate.scheme} certificate rejected",
        f"Your {certificate.scheme} certificate {certificate.certificate_number} was rejected: "
        f"{reason}",
        "/certificates",
    )
    return await _view(session, certificate)


async def _view(session: AsyncSession, certificate: Certificate) -> CertificateView:
    document, holder = await repository.document_and_holder(session, certificate)
    return CertificateView(certificate, document, holder)


async def check_references(
    session: AsyncSession, owner_id: uuid.UUID, references: Sequence[tuple[str, uuid.UUID]]
) -> None:
    """Each (scheme, certificate id) a listing's certifications reference must be one of the
    seller's own certificates (anyone else's is as unknown as a missing one: 404), of the
    same scheme (422)."""
    found = {c.id: c for c in await repository.find(session, [i for _, i in references])}
    for index, (scheme, certificate_id) in enumerate(references):
        certificate = found.get(certificate_id)
        if certificate is None or certificate.owner_id != owner_id:
            raise CertificateNotFound(
                f"Certificate {certificate_id} is not one of yours (POST /api/certificates)."
            )
        if certificate.scheme != scheme:
            raise SchemeMismatch(
                details=[
                    {
                        "field": f"certifications.{index}.scheme",
                        "message": f"Certificate {certificate_id} is a {certificate.scheme} "
                        "certificate.",
                    }
                ]
            )


async def verifying(
    session: AsyncSession, owner_id: uuid.UUID, certificate_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Certificate]:
    """Of these ids, the certificates of `owner_id` that verify a claim today."""
    day = today()
    return {
        c.id: c
        for c in await repository.find(session, list(set(certificate_ids)))
        if c.owner_id == owner_id and verifies_on(c, day)
    }


async def check_expiry(session: AsyncSession, *, cache: Cache, day: date | None = None) -> int:
    """The daily job: approved certificates past their validity become `expired` (their
    holder told), and holders of those ending within 30 days are warned once."""
    day = day or today()
    lapsed = await repository.lock_lapsed(session, day)
    for certificate in lapsed:
        certificate.status = "expired"
        certificate.updated_at = _now()
        await notify(
            session,
            certificate.owner_id,
            "certificate_expired",
            f"{certificate.scheme} certificate expired",
            f"Your {certificate.scheme} certificate {certificate.certificate_number} expired on "
            f"{certificate.valid_until.isoformat()}: listings no longer show it as verified. "
            "Upload the renewed certificate.",
            "/certificates",
        )
    await repository.flush(session)
    await _changed(session, cache, [c.id for c in lapsed])
    expiring = await repository.lock_expiring(session, day, day + EXPIRY_NOTICE)
    for certificate in expiring:
        certificate.expiry_notified_at = _now()
        days = (certificate.valid_until - day).days
        await notify(
            session,
            certificate.owner_id,
            "certificate_expiring",
            f"{certificate.scheme} certificate expires in {days} days",
            f"Your {certificate.scheme} certificate {certificate.certificate_number} is valid "
            f"until {certificate.valid_until.isoformat()}. Upload the renewed certificate "
            "before then to keep your listings verified.",
            "/certificates",
        )
    await repository.flush(session)
    return len(lapsed) + len(expiring)
