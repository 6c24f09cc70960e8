import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from fabricloop.images.upload import upload_request_body

DocumentType = Literal["application/pdf", "image/jpeg", "image/png", "image/webp"]


class DocumentOut(BaseModel):
    document_id: uuid.UUID
    content_type: DocumentType
    size_bytes: int = Field(description="Size of the stored file (an image is re-encoded).")
    filename: str | None = Field(description="The uploaded file's name, as the client sent it.")
    page_count: int | None = Field(description="PDFs: their number of pages; images: null.")
    download_url: str = Field(description="GET it with the owner's (or an operator's) token.")
    created_at: datetime


# The request body, for the OpenAPI schema only: the route reads the stream itself.
UPLOAD_REQUEST_BODY = upload_request_body(
    "A PDF, or a JPEG, PNG or WebP image, of at most 10 MB (10,485,760 bytes)."
)
