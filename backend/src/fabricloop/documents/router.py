import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from fabricloop.auth.deps import CurrentUser, bearer_present
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppLimiter, AppSettings
from fabricloop.core.errors import BadRequest, Unauthorized, responses
from fabricloop.core.storage import AppPrivateStorage
from fabricloop.documents import service
from fabricloop.documents.errors import (
    DocumentFileTooLarge,
    DocumentNotFound,
    EncryptedDocument,
    InvalidDocument,
    UnsupportedDocument,
)
from fabricloop.documents.models import UploadedDocument
from fabricloop.documents.schemas import UPLOAD_REQUEST_BODY, DocumentOut
from fabricloop.images import service as images
from fabricloop.images.errors import ImagesBusy, ImageTooLarge, InvalidImage, MissingFile
from fabricloop.images.upload import ReceivedFile, receiving

router = APIRouter(prefix="/api/documents", tags=["documents"])

UPLOAD_POLICY = """Evidence for a certificate (POST /api/certificates): a PDF, or a JPEG, PNG or
WebP image (a scan or photo), judged by its bytes, never by the filename or the declared type.

- Over 10 MB (10,485,760 bytes): 413 `payload_too_large`, refused as soon as it is known.
- Neither a PDF nor one of those image formats: 415 `unsupported_media_type`.
- A PDF (the `%PDF-` header within its first 1 KiB) must parse (pypdf: cross-reference table,
  trailer, page tree) with 1 to 200 pages each of a real size: otherwise 422
  `invalid_document`; an encrypted PDF: 422 `encrypted_document`. It is stored as uploaded.
- An image gets the checks of POST /api/images (corrupt: 422 `invalid_image`; over 40
  megapixels: 422 `image_too_large`) and is stored re-encoded without its metadata.
- Uploads share the per-account limit of POST /api/images (429 `rate_limited`).

Documents are private: never under `/media`, read back only through `download_url` by their
owner or an operator (anyone else: 404)."""


async def _receive_document(request: Request) -> AsyncIterator[ReceivedFile]:
    async with receiving(request, service.MAX_FILE_BYTES, DocumentFileTooLarge) as received:
        yield received


# scope="function": the spooled file is closed as soon as the handler returns.
Upload = Annotated[ReceivedFile, Depends(_receive_document, scope="function")]


def _out(document: UploadedDocument) -> DocumentOut:
    return DocumentOut(
        document_id=document.id,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        filename=document.filename,
        page_count=document.page_count,
        download_url=service.download_url(document.id),
        created_at=document.created_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    description=UPLOAD_POLICY,
    dependencies=[Depends(bearer_present)],
    openapi_extra={"requestBody": UPLOAD_REQUEST_BODY},
    responses=responses(
        BadRequest,
        Unauthorized,
        DocumentFileTooLarge,
        UnsupportedDocument,
        MissingFile,
        InvalidDocument,
        EncryptedDocument,
        InvalidImage,
        ImageTooLarge,
        ImagesBusy,
    ),
)
async def upload_document(
    request: Request,
    upload: Upload,
    user: CurrentUser,
    session: DbSession,
    storage: AppPrivateStorage,
    settings: AppSettings,
    limiter: AppLimiter,
) -> DocumentOut:
    """Upload a PDF or an image as evidence (multipart field `file`, 10 MB)."""
    await images.allow_upload(limiter, settings, user.id)
    pool: images.ProcessingPool = request.app.state.image_pool
    document = await service.upload(
        session, storage, pool, user.id, upload.file, upload.size, upload.filename
    )
    return _out(document)


@router.get(
    "/{document_id}",
    response_class=Response,
    responses={
        200: {
            "description": "The file, as an attachment.",
            "content": {
                t: {} for t in ("application/pdf", "image/jpeg", "image/png", "image/webp")
            },
        },
        **responses(Unauthorized, DocumentNotFound),
    },
)
async def download_document(
    document_id: uuid.UUID, user: CurrentUser, session: DbSession, storage: AppPrivateStorage
) -> Response:
    """Download a document (its owner, or an operator)."""
    document = await service.readable(session, user, document_id)
    body = await service.content(storage, document)
    extension = document.storage_key.rsplit(".", 1)[-1]
    return Response(
        body,
        media_type=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="document-{document.id}.{extension}"',
            "Cache-Control": "private, no-store",
        },
    )
