from fabricloop.core.errors import (
    PayloadTooLarge,
    RateLimited,
    Unprocessable,
    UnsupportedMediaType,
)


class ImageFileTooLarge(PayloadTooLarge):
    message = "The image is larger than 5 MB (5,242,880 bytes)."


class UnsupportedImage(UnsupportedMediaType):
    message = "Only JPEG, PNG and WebP images are accepted."


class InvalidImage(Unprocessable):
    code, message = "invalid_image", "The image is corrupt or truncated."


class ImageTooLarge(Unprocessable):
    code, message = "image_too_large", "The image has more than 40 megapixels."


class MissingFile(Unprocessable):
    """No `file` part in a multipart/form-data body."""

    def __init__(self) -> None:
        super().__init__(
            details=[
                {
                    "field": "file",
                    "message": "Send the image as the multipart/form-data field `file`.",
                }
            ]
        )


class ImagesBusy(RateLimited):
    message = "Too many images are being processed right now; retry in a few seconds."


class TooManyUploads(RateLimited):
    message = "Too many image uploads from this account; retry later."
