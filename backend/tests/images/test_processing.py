"""The Pillow work alone: modes, formats and the limits, without HTTP."""

import io

import pytest
from PIL import Image

from fabricloop.images import processing
from fabricloop.images.errors import ImageTooLarge, InvalidImage, UnsupportedImage
from tests.images import samples


def run(data: bytes) -> processing.Processed:
    return processing.process(io.BytesIO(data))


def bands(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The pixel's value in each band: Pillow types a pixel as a number or a tuple."""
    value = image.getpixel(xy)
    assert isinstance(value, tuple), value
    return value


def test_pillow_limit_is_40_megapixels() -> None:
    assert Image.MAX_IMAGE_PIXELS == 40_000_000


@pytest.mark.parametrize(
    ("image", "kind", "stored_mode"),
    [
        (Image.new("CMYK", (60, 40), (0, 50, 100, 0)), "JPEG", "RGB"),
        (samples.gradient((60, 40), "L"), "JPEG", "L"),
        (samples.gradient((60, 40), "L"), "PNG", "L"),
        (Image.new("LA", (60, 40), (10, 128)), "PNG", "LA"),
        (Image.new("I;16", (60, 40), 30000), "PNG", "RGB"),
        (Image.new("1", (60, 40), 1), "PNG", "1"),
        (samples.gradient((60, 40), "RGBA"), "WEBP", "RGBA"),
    ],
)
def test_modes(image: Image.Image, kind: str, stored_mode: str) -> None:
    result = run(samples.encode(image, kind))
    stored = samples.opened(result.data)
    assert stored.format == kind
    assert stored.mode == stored_mode
    assert (result.width, result.height) == (60, 40)
    thumbnail = samples.opened(processing.thumbnail(result.data))
    assert thumbnail.format == "WEBP"
    assert thumbnail.mode in ("RGB", "RGBA")


def test_palette_transparency_is_kept_as_alpha() -> None:
    palette = Image.new("P", (40, 40), 0)
    palette.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    palette.paste(1, (0, 0, 20, 40))
    result = run(samples.encode(palette, "PNG", transparency=0))
    stored = samples.opened(result.data)
    assert stored.mode == "RGBA"
    assert bands(stored, (30, 5))[3] == 0
    assert stored.getpixel((5, 5)) == (0, 255, 0, 255)


def test_animated_webp_keeps_the_first_frame() -> None:
    frames = [Image.new("RGB", (50, 50), colour) for colour in ("red", "blue")]
    data = samples.encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    stored = samples.opened(run(data).data)
    assert getattr(stored, "n_frames", 1) == 1
    red, green, blue = bands(stored, (25, 25))[:3]
    assert red > 200
    assert max(green, blue) < 50


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (samples.gif(), UnsupportedImage),
        (b"", UnsupportedImage),
        (samples.png_header_only(6_325, 6_325), ImageTooLarge),
        (samples.png_header_only(20_000, 20_000), ImageTooLarge),
        (samples.png_header_only(100, 100), InvalidImage),
        (samples.jpeg()[:-200], InvalidImage),
    ],
)
def test_refusals(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        run(data)


def test_header_check_holds_if_pillows_limit_is_lifted(monkeypatch: pytest.MonkeyPatch) -> None:
    # Image.MAX_IMAGE_PIXELS is process-wide: another module lifting it must not let bombs in.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    with pytest.raises(ImageTooLarge):
        run(samples.png_header_only(10_000, 10_000))


def test_only_known_outputs_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    # Widening the decoders alone is not enough to accept a new format.
    monkeypatch.setattr(processing, "DECODERS", [*processing.DECODERS, "GIF"])
    with pytest.raises(UnsupportedImage):
        run(samples.gif())


def test_a_large_jpeg_is_decoded_reduced_and_stored_bounded() -> None:
    data = samples.jpeg((6400, 4000))
    # The JPEG decoder itself works at half the size: a quarter of the memory.
    image, _ = processing._decode(io.BytesIO(data))
    assert image.size == (3200, 2000)
    result = run(data)
    assert (result.width, result.height) == (3000, 1875)
    assert samples.opened(result.data).size == (3000, 1875)


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_other_large_images_are_stored_bounded(kind: str) -> None:
    result = run(samples.encode(samples.gradient((1200, 3600)), kind))
    assert (result.width, result.height) == (1000, 3000)
    assert samples.opened(result.data).size == (1000, 3000)


def test_an_image_at_the_bound_is_kept_as_it_is() -> None:
    data = samples.jpeg((3000, 2000))
    image, _ = processing._decode(io.BytesIO(data))
    assert image.size == (3000, 2000)
    assert (run(data).width, run(data).height) == (3000, 2000)


@pytest.mark.parametrize(
    ("size", "expected"),
    [((1600, 1200), (400, 300)), ((900, 3000), (120, 400)), ((200, 100), (200, 100))],
)
def test_thumbnail_of_the_stored_image(size: tuple[int, int], expected: tuple[int, int]) -> None:
    """Made from the stored file (what the thumbnail job reads): longest side 400, smaller
    images not enlarged."""
    stored = run(samples.jpeg(size)).data
    assert samples.opened(processing.thumbnail(stored)).size == expected


@pytest.mark.parametrize(
    "damaged", [b"", b"\xff\xd8\xff\xe0 truncated", samples.jpeg((300, 200))[:300], b"%PDF-1.7"]
)
def test_thumbnail_of_damaged_bytes_is_invalid(damaged: bytes) -> None:
    with pytest.raises(InvalidImage):
        processing.thumbnail(damaged)
