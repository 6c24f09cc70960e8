"""Real images made with Pillow, and hostile files, for the upload tests."""

import io
import struct
import zlib

from PIL import ExifTags, Image

GPS = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}


def gradient(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A picture with real detail (a flat colour compresses to nothing)."""
    image = Image.linear_gradient("L").resize(size)
    if mode == "L":
        return image
    other = image.transpose(Image.Transpose.ROTATE_90).resize(size)
    bands = [image, other, Image.new("L", size, 128)]
    if mode == "RGBA":
        bands.append(Image.new("L", size, 200))
    return Image.merge(mode, bands)


def encode(image: Image.Image, kind: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **params)
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (640, 480), **params: object) -> bytes:
    return encode(gradient(size), "JPEG", quality=90, **params)


def png(size: tuple[int, int] = (640, 480), mode: str = "RGB", **params: object) -> bytes:
    return encode(gradient(size, mode), "PNG", **params)


def webp(size: tuple[int, int] = (640, 480), mode: str = "RGB") -> bytes:
    return encode(gradient(size, mode), "WEBP", quality=90)


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Secret Phone 15"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif


def jpeg_with_gps(size: tuple[int, int] = (640, 480), orientation: int = 1) -> bytes:
    return jpeg(size, exif=gps_exif(orientation), icc_profile=b"\0" * 128, comment=b"shot at home")


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and header declaring width x height, with almost no pixel data:
    a few hundred bytes that would need gigabytes if decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def gif() -> bytes:
    return encode(gradient((64, 64), "L"), "GIF")


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)


def gps_of(data: bytes) -> dict[int, object]:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
