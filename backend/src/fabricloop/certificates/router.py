import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from fabricloop.auth.deps import ADMIN_ONLY, AdminUser, CurrentUser
from fabricloop.auth.errors import ADMIN_ERRORS
from fabricloop.certificates import service
from fabricloop.certificates.errors import (
    CertificateExpired,
    CertificateNotFound,
    CertificateNotReviewable,
    NotASeller,
)
from fabricloop.certificates.schemas import (
    AdminCertificateList,
    AdminCertificateOut,
    CertificateCreate,
    CertificateCreated,
    CertificateHolder,
    CertificateList,
    CertificateOut,
    CertificateStatus,
    DocumentRef,
    RejectBody,
)
from fabricloop.certificates.service import CertificateView
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache
from fabricloop.core.errors import InvalidQuery, Unauthorized, Unprocessable, responses
from fabricloop.core.pagination import Pagination
from fabricloop.documents import service as documents
from fabricloop.documents.errors import DocumentNotFound

router = APIRouter(prefix="/api/certificates", tags=["certificates"])
admin_router = APIRouter(prefix="/api/admin/certificates", tags=["admin"], dependencies=ADMIN_ONLY)


def _out(view: CertificateView) -> CertificateOut:
    c, d = view.certificate, view.document
    day = service.today()
    return CertificateOut(
        certificate_id=c.id,
        scheme=c.scheme,
        certificate_number=c.certificate_number,
        issuing_body=c.issuing_body,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        document=DocumentRef(
            document_id=d.id,
            content_type=d.content_type,
            filename=d.filename,
            download_url=documents.download_url(d.id),
        ),
        status=service.status_on(c, day),
        verified=service.verifies_on(c, day),
        rejection_reason=c.rejection_reason,
        reviewed_at=c.reviewed_at,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def _admin_out(view: CertificateView) -> AdminCertificateOut:
    return AdminCertificateOut(
        **_out(view).model_dump(),
        holder=CertificateHolder(
            user_id=view.holder.id,
            company_name=view.holder.company_name,
            email=view.holder.email,
        ),
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(Unauthorized, NotASeller, DocumentNotFound, Unprocessable),
    description="A manufacturer submits a certificate with its evidence (a document from "
    "POST /api/documents) for an operator's review; it starts `pending`. A brand: 403; "
    "a `document_id` that is unknown or not the caller's: 404; `valid_until` before "
    "`valid_from`, an unknown scheme: 422.",
)
async def create_certificate(
    data: CertificateCreate, user: CurrentUser, session: DbSession
) -> CertificateCreated:
    """Submit a certificate for review."""
    certificate = await service.create(session, user, data)
    return CertificateCreated(certificate_id=certificate.id, status="pending")


@router.get("", responses=responses(Unauthorized))
async def list_certificates(
    user: CurrentUser, session: DbSession, page: Pagination
) -> CertificateList:
    """The caller's certificates, newest first, with their review status."""
    views, total = await service.list_own(session, user, page)
    return CertificateList(
        certificates=[_out(v) for v in views], total=total, page=page.page, limit=page.limit
    )


@admin_router.get(
    "",
    responses=responses(*ADMIN_ERRORS, InvalidQuery),
    description="Every holder's certificates, oldest first (the review queue is "
    "`?status=pending`), with the holder and the evidence's `download_url` (operators may "
    "download any document). `status` filters on the status shown (an approved certificate "
    "past its validity is `expired`). Admins only.",
)
async def review_queue(
    session: DbSession,
    page: Pagination,
    status: Annotated[CertificateStatus | None, Query(description="Only this status.")] = None,
) -> AdminCertificateList:
    """Certificates to review."""
    views, total = await service.list_for_review(session, status, page)
    return AdminCertificateList(
        certificates=[_admin_out(v) for v in views],
        total=total,
        page=page.page,
        limit=page.limit,
    )


@admin_router.post(
    "/{certificate_id}/approve",
    responses=responses(
        *ADMIN_ERRORS, CertificateNotFound, CertificateExpired, CertificateNotReviewable
    ),
    description="A `pending` certificate becomes `approved`: listings referencing it show "
    "their certification as verified while it is valid. Past its `valid_until`: 409 "
    "`certificate_expired`; not pending: 409 `invalid_transition`. Recorded in the audit "
    "log (`certificate.approve`); the holder is notified. Admins only.",
)
async def approve_certificate(
    certificate_id: uuid.UUID, admin: AdminUser, session: DbSession, cache: AppCache
) -> AdminCertificateOut:
    """Approve a certificate."""
    return _admin_out(await service.approve(session, cache, admin, certificate_id))


@admin_router.post(
    "/{certificate_id}/reject",
    responses=responses(
        *ADMIN_ERRORS, CertificateNotFound, CertificateNotReviewable, Unprocessable
    ),
    description="A `pending` certificate is rejected, or an `approved` one withdrawn, with a "
    "`reason` (1-500 characters) the holder is told; its listings' certifications stop being "
    "verified. Rejected or expired already: 409 `invalid_transition`. Recorded in the audit "
    "log (`certificate.reject`, with the reason). Admins only.",
)
async def reject_certificate(
    certificate_id: uuid.UUID,
    data: RejectBody,
    admin: AdminUser,
    session: DbSession,
    cache: AppCache,
) -> AdminCertificateOut:
    """Reject a certificate."""
    return _admin_out(await service.reject(session, cache, admin, certificate_id, data.reason))
