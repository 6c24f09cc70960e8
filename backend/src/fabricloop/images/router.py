from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from fabricloop.auth.deps import CurrentUser, bearer_present
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppLimiter, AppSettings
from fabricloop.core.errors import BadRequest, Unauthorized, responses
from fabricloop.core.storage import AppStorage
from fabricloop.images import service
from fabricloop.images.errors import (
    ImageFileTooLarge,
    ImagesBusy,
    ImageTooLarge,
    InvalidImage,
    MissingFile,
    UnsupportedImage,
)
from fabricloop.images.schemas import UPLOAD_REQUEST_BODY, ImageOut
from fabricloop.images.upload import ReceivedFile, receive_file

router = APIRouter(prefix="/api/images", tags=["images"])

UPLOAD_POLICY = """JPEG, PNG and WebP are recognised by decoding the bytes; the filename and
the declared type are ignored. Over 5 MB (5,242,880 bytes): 413 `payload_too_large`, refused
as soon as it is known (Content-Length or the bytes received). Not one of those formats:
415 `unsupported_media_type`. Corrupt or truncated: 422 `invalid_image`. More than 40
megapixels (judged from the header, before decoding): 422 `image_too_large`. At most
`UPLOADS_PER_MINUTE` (20) uploads per account, refilled over a minute, and a bounded number
decoded at once per process (`IMAGE_PROCESSING_SLOTS`, `IMAGE_QUEUE`): beyond either, 429
`rate_limited` with `Retry-After`.

The stored image keeps its format (JPEG quality 85, PNG optimised, WebP quality 85), with
the EXIF orientation applied and every metadata block (EXIF, GPS, ICC profile, XMP,
comments, text) removed; of an animation only the first frame is kept. An image larger
than 3000 px on its longest side is scaled down to it (`width` and `height` are those stored).
It is stored under
a random server-chosen name; a background job then makes its WebP thumbnail, whose longest
side is 400 px, and its WebP display image, whose longest side is 1200 px (smaller images are
not enlarged: an image of at most 1200 px is its own display image). Until the job has made
them, `thumbnail_url` and `display_url` (here and in listings) are the image itself. `url`,
`thumbnail_url` and `display_url` are public paths under `/media/`, served with a one-year
immutable cache lifetime.

An image that no listing uses 24 hours after its upload (never attached, or removed from its
listing by an edit) is deleted, files included."""


# scope="function": the spooled file is closed as soon as the handler returns.
Upload = Annotated[ReceivedFile, Depends(receive_file, scope="function")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    description=UPLOAD_POLICY,
    dependencies=[Depends(bearer_present)],
    openapi_extra={"requestBody": UPLOAD_REQUEST_BODY},
    responses=responses(
        BadRequest,
        Unauthorized,
        ImageFileTooLarge,
        UnsupportedImage,
        MissingFile,
        InvalidImage,
        ImageTooLarge,
        ImagesBusy,
    ),
)
async def create_image(
    request: Request,
    upload: Upload,
    user: CurrentUser,
    session: DbSession,
    storage: AppStorage,
    settings: AppSettings,
    limiter: AppLimiter,
) -> ImageOut:
    """Upload a JPEG, PNG or WebP image (multipart field `file`); stored re-encoded."""
    # The body is received before the user is loaded, so no database connection is held
    # while a slow client uploads.
    await service.allow_upload(limiter, settings, user.id)
    pool: service.ProcessingPool = request.app.state.image_pool
    image = await service.upload(session, storage, pool, user.id, upload.file)
    return ImageOut(
        image_id=image.id,
        url=service.url(storage, image),
        thumbnail_url=service.thumbnail_url(storage, image),
        display_url=service.display_url(storage, image),
        width=image.width,
        height=image.height,
        content_type=image.content_type,
        size_bytes=image.size_bytes,
    )
