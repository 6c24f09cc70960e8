"""Documents: evidence files (certificates' PDFs and scans) checked for what they are by their
bytes, stored in the private storage under a server-chosen name, readable by their owner and
the operator only."""

import secrets
import unicodedata
import uuid
from typing import IO, BinaryIO, cast

from anyio import CapacityLimiter, to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.storage import Storage
from fabricloop.documents import pdf, repository
from fabricloop.documents.errors import DocumentNotFound, UnsupportedDocument
from fabricloop.documents.models import UploadedDocument
from fabricloop.images import service as images
from fabricloop.images.errors import UnsupportedImage

MAX_FILE_BYTES = 10 * 1024 * 1024
# PDFs are parsed by at most this many threads of a process at once.
PDF_SLOTS = CapacityLimiter(2)


def _clean_filename(name: str | None) -> str | None:
    """The last path segment of the client's name, without control characters, 255 at most."""
    if not name:
        return None
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    name = name.strip()[:255]
    return name or None


def _new_key(extension: str) -> str:
    name = secrets.token_hex(16)
    return f"documents/{name[:2]}/{name}.{extension}"


async def upload(
    session: AsyncSession,
    storage: Storage,
    pool: images.ProcessingPool,
    owner_id: uuid.UUID,
    source: IO[bytes],
    size: int,
    filename: str | None,
) -> UploadedDocument:
    """A PDF is kept as it is once pypdf reads its page tree; anything else must be an image
    the images domain accepts (decoded, metadata removed, re-encoded)."""
    head = source.read(pdf.HEADER_WINDOW)
    source.seek(0)
    page_count: int | None = None
    data: bytes | BinaryIO
    if pdf.looks_like_pdf(head):
        page_count = await to_thread.run_sync(pdf.check, source, limiter=PDF_SLOTS)
        data, content_type, extension = cast(BinaryIO, source), "application/pdf", "pdf"
    else:
        try:
            processed = await pool.process(source)
        except UnsupportedImage as error:
            raise UnsupportedDocument() from error
        data, content_type, extension = processed.data, processed.content_type, processed.extension
        size = len(processed.data)
    key = _new_key(extension)
    try:
        await storage.save(key, data, content_type)
        return await repository.add(
            session,
            UploadedDocument(
                owner_id=owner_id,
                storage_key=key,
                content_type=content_type,
                size_bytes=size,
                filename=_clean_filename(filename),
                page_count=page_count,
            ),
        )
    except BaseException:
        await storage.delete(key)
        raise


async def readable(session: AsyncSession, user: User, document_id: uuid.UUID) -> UploadedDocument:
    """The document, to its owner or an operator; 404 to anyone else."""
    document = await repository.get(session, document_id)
    if document is None or (document.owner_id != user.id and user.role != "admin"):
        raise DocumentNotFound()
    return document


async def owned(
    session: AsyncSession, owner_id: uuid.UUID, document_id: uuid.UUID
) -> UploadedDocument:
    """One of `owner_id`'s documents (another's is as unknown as a missing one)."""
    document = await repository.get(session, document_id)
    if document is None or document.owner_id != owner_id:
        raise DocumentNotFound()
    return document


async def content(storage: Storage, document: UploadedDocument) -> bytes:
    return await storage.read(document.storage_key)


def download_url(document_id: uuid.UUID) -> str:
    return f"/api/documents/{document_id}"
