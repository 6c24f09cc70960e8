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
    thumbnail = samples.opened(processing.variants(result.data).thumbnail)
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
    assert samples.opened(processing.variants(stored).thumbnail).size == expected


def test_display_image_of_a_3000_px_photo_is_a_1200_px_webp() -> None:
    stored = run(samples.jpeg((3000, 2000))).data
    display = processing.variants(stored).display
    assert display is not None
    opened = samples.opened(display)
    assert (opened.format, opened.size) == ("WEBP", (1200, 800))
    # The point of it: a fraction of the stored photo's bytes.
    assert len(display) < len(stored) / 3


@pytest.mark.parametrize(
    ("size", "expected"),
    [((900, 3000), (360, 1200)), ((1201, 1201), (1200, 1200)), ((1200, 1000), None)],
)
def test_display_image_longest_side_1200(
    size: tuple[int, int], expected: tuple[int, int] | None
) -> None:
    """Portrait photos too; an image of at most 1200 px has none (it is its own)."""
    made = processing.variants(run(samples.png(size)).data)
    assert (samples.opened(made.display).size if made.display else None) == expected


def test_a_small_original_is_not_enlarged() -> None:
    made = processing.variants(run(samples.jpeg((800, 600))).data)
    assert made.display is None
    assert samples.opened(made.thumbnail).size == (400, 300)


def corner_colours(image: Image.Image) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The top-left and bottom-right pixels of a picture made by `marked`."""
    rgb = image.convert("RGB")
    return bands(rgb, (2, 2)), bands(rgb, (rgb.width - 3, rgb.height - 3))


def marked(size: tuple[int, int]) -> Image.Image:
    """Grey with a red top-left quarter: where it ends up shows which way is up."""
    image = Image.new("RGB", size, (128, 128, 128))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    return image


def near(colour: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(colour, expected, strict=True))


@pytest.mark.parametrize("through_upload", [True, False])
def test_display_image_respects_exif_orientation(through_upload: bool) -> None:
    """A phone photo taken sideways (orientation 6: turn 90 degrees clockwise) is upright in
    its display image and thumbnail, whether the upload turned it (as stored) or the file
    still carries the tag."""
    exif = Image.Exif()
    exif[0x0112] = 6
    data = samples.encode(marked((3000, 2000)), "JPEG", quality=90, exif=exif)
    stored = run(data).data if through_upload else data
    made = processing.variants(stored)
    assert made.display is not None
    display, thumbnail = samples.opened(made.display), samples.opened(made.thumbnail)
    assert (display.size, thumbnail.size) == ((800, 1200), (267, 400))
    for image in (display, thumbnail):
        # Turned clockwise, the red top-left quarter is now the top-right one.
        top_left, bottom_right = corner_colours(image)
        assert near(top_left, (128, 128, 128))
        assert near(bottom_right, (128, 128, 128))
        assert near(bands(image.convert("RGB"), (image.width - 3, 2)), (255, 0, 0))


@pytest.mark.parametrize(
    "damaged", [b"", b"\xff\xd8\xff\xe0 truncated", samples.jpeg((300, 200))[:300], b"%PDF-1.7"]
)
def test_variants_of_damaged_bytes_are_invalid(damaged: bytes) -> None:
    with pytest.raises(InvalidImage):
        processing.variants(damaged)
