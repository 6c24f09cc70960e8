import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.documents.models import UploadedDocument


async def add(session: AsyncSession, document: UploadedDocument) -> UploadedDocument:
    session.add(document)
    await session.flush()
    await session.refresh(document)
    return document


async def get(session: AsyncSession, document_id: uuid.UUID) -> UploadedDocument | None:
    return await session.get(UploadedDocument, document_id)
