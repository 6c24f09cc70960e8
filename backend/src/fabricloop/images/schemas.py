import uuid
from typing import Literal

from pydantic import BaseModel, Field

from fabricloop.images.upload import upload_request_body


class ImageOut(BaseModel):
    image_id: uuid.UUID
    url: str = Field(description="Public path of the re-encoded image, under /media/.")
    thumbnail_url: str = Field(
        description="WebP thumbnail, longest side 400 px, under /media/. Made by a background "
        "job moments after the upload; until then it is the image itself (`url`)."
    )
    display_url: str = Field(
        description="WebP display image, longest side 1200 px, under /media/: the size a "
        "listing's page shows. Made by the same background job as the thumbnail; until then, "
        "and for an image of at most 1200 px, it is the image itself (`url`)."
    )
    width: int
    height: int
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    size_bytes: int = Field(description="Size of the stored, re-encoded image.")


# The request body, for the OpenAPI schema only: the route reads the stream itself.
UPLOAD_REQUEST_BODY = upload_request_body(
    "A JPEG, PNG or WebP image of at most 5 MB (5,242,880 bytes) and 40 megapixels."
)
