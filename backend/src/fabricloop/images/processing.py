"""Pillow work on an untrusted upload: decide what it is by decoding it, refuse bombs before
any pixel is decoded, and re-encode it (orientation applied, every metadata block dropped, at
most MAX_SIDE pixels on its longest side); later, the thumbnail job makes the WebP variants of
the stored image: a thumbnail (THUMBNAIL_SIDE) and the display image the pages show
(DISPLAY_SIDE). Synchronous and CPU-bound: callers run it in a thread."""

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from fabricloop.images.errors import ImageTooLarge, InvalidImage, UnsupportedImage

MAX_PIXELS = 40_000_000
# The stored image's longest side. A larger JPEG is decoded at 1/2, 1/4 or 1/8 of its size by
# the decoder itself (Image.draft) when that still covers it: a 24-megapixel photo then takes
# a quarter of the memory and time; every format is then resized down to it.
MAX_SIDE = 3000
THUMBNAIL_SIDE = 400
# The photo of a listing's page: about its largest slot (720 CSS px on a desktop, ~1,100
# device pixels on a phone); a stored image no larger than this is its own display image.
DISPLAY_SIDE = 1200
JPEG_QUALITY = 85
WEBP_QUALITY = 85
THUMBNAIL_QUALITY = 80
DISPLAY_QUALITY = 80

# Pillow's own guard: it warns above this and raises above twice this; both become a 422.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Only these decoders ever see an upload, which keeps Pillow's rarer parsers out of reach.
# A phone's multi-picture JPEG opens as "MPO" through the JPEG decoder and is stored as JPEG.
DECODERS = ["JPEG", "PNG", "WEBP"]
OUTPUTS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class Processed:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _looks_like_supported(head: bytes) -> bool:
    """Signature check used only to word a refusal: a file that starts like a JPEG, PNG or WebP
    but does not decode is corrupt (422); anything else is another media type (415)."""
    return (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    )


def _open(source: IO[bytes]) -> Image.Image:
    source.seek(0)
    return Image.open(source, formats=DECODERS)


def _decode(source: IO[bytes]) -> tuple[Image.Image, str]:
    head = source.read(16)
    # Warnings become errors so that Pillow's bomb warning (over MAX_PIXELS) is a refusal.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _open(source) as probe:
                kind = probe.format or ""
                width, height = probe.size
                if kind not in OUTPUTS:
                    raise UnsupportedImage()
                # Header only so far: a tiny file declaring a huge canvas stops here.
                if width * height > MAX_PIXELS:
                    raise ImageTooLarge()
                probe.verify()
            image = _open(source)
            if image.format in ("JPEG", "MPO"):
                image.draft(None, _fitted(image.size))
            image.load()
            # Orientation is applied to the pixels because the EXIF carrying it is dropped;
            # in place, so an image that is already upright is not copied.
            ImageOps.exif_transpose(image, in_place=True)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageTooLarge() from error
        except (UnsupportedImage, ImageTooLarge):
            raise
        except UnidentifiedImageError as error:
            if _looks_like_supported(head):
                raise InvalidImage() from error
            raise UnsupportedImage() from error
        except Exception as error:
            # Decoders fail on hostile input in many ways (OSError, SyntaxError, struct.error,
            # ValueError...); each one means the same thing to the client.
            raise InvalidImage() from error
    return image, OUTPUTS[kind]


def _fitted(size: tuple[int, int], side: int = MAX_SIDE) -> tuple[int, int]:
    """`size` scaled down, proportions kept, so that its longest side is at most `side`."""
    scale = min(1.0, side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _bounded(image: Image.Image) -> Image.Image:
    if max(image.size) <= MAX_SIDE:
        return image
    return image.resize(_fitted(image.size), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info


def _prepare(image: Image.Image, output: str) -> Image.Image:
    """Convert to a mode the output format stores, then forget every metadata block."""
    if output == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    elif output == "PNG":
        if "transparency" in image.info or image.mode not in ("1", "L", "LA", "RGB", "RGBA", "P"):
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    # Pillow carries EXIF, ICC profiles, XMP, comments and text chunks in `info` and some
    # encoders copy them from there; an empty `info` means none of it is written.
    image.info = {}
    return image


def _encode(image: Image.Image, output: str) -> bytes:
    buffer = io.BytesIO()
    if output == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif output == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


@dataclass(frozen=True)
class Variants:
    thumbnail: bytes
    # None when the stored image is no larger than DISPLAY_SIDE: it is its own display image.
    display: bytes | None


def _webp(image: Image.Image, side: int, quality: int) -> bytes:
    # resize() makes only the small image (thumbnail() would need a full-size copy first).
    small = image.resize(_fitted(image.size, side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    small.save(buffer, "WEBP", quality=quality)
    return buffer.getvalue()


def variants(stored: bytes) -> Variants:
    """The WebP thumbnail (longest side THUMBNAIL_SIDE) and display image (DISPLAY_SIDE, never
    enlarged) of an image this module stored, from one decode; InvalidImage when it does not
    decode (damaged in storage)."""
    try:
        with Image.open(io.BytesIO(stored), formats=DECODERS) as image:
            if max(image.size) > MAX_SIDE:
                raise InvalidImage()  # never stored by process(): not one of ours
            needs_display = max(image.size) > DISPLAY_SIDE
            if image.format == "JPEG":
                # Decoded at 1/2, 1/4 or 1/8 of its size when that still covers the largest
                # variant: a 3000 px photo is decoded at 1500 px for its 1200 px display image.
                side = DISPLAY_SIDE if needs_display else THUMBNAIL_SIDE
                image.draft(None, _fitted(image.size, side))
            image.load()
            # Stored images carry no EXIF (process() applied it); one that does is turned too.
            ImageOps.exif_transpose(image, in_place=True)
            # RGB(A) before resizing: palette images would otherwise be resized by nearest
            # neighbour.
            source = image if image.mode in ("RGB", "RGBA") else _prepare(image.copy(), "WEBP")
            return Variants(
                thumbnail=_webp(source, THUMBNAIL_SIDE, THUMBNAIL_QUALITY),
                display=_webp(source, DISPLAY_SIDE, DISPLAY_QUALITY) if needs_display else None,
            )
    except InvalidImage:
        raise
    except Exception as error:  # decoders fail in many ways on damaged bytes
        raise InvalidImage() from error


def process(source: IO[bytes]) -> Processed:
    """Decode, check and re-encode an upload; raises the images errors for the client."""
    image, output = _decode(source)
    clean = _bounded(_prepare(image, output))
    return Processed(
        data=_encode(clean, output),
        content_type=CONTENT_TYPES[output],
        extension=EXTENSIONS[output],
        width=clean.width,
        height=clean.height,
    )
