"""Generated fabric swatch photos for the demo listings: woven, twill, knit and plaid
patterns in the listing's colour, so every card has a believable picture."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = (960, 720)


def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    r, g, b = (max(0, min(255, int(c * factor))) for c in rgb)
    return r, g, b


def swatch(rgb: tuple[int, int, int], pattern: str, seed: int) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", SIZE, rgb)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    dark, light = _shade(rgb, 0.78), _shade(rgb, 1.18)
    if pattern == "plain":
        for y in range(0, height, 6):
            draw.line([(0, y), (width, y)], fill=dark, width=2)
        for x in range(0, width, 6):
            draw.line([(x, 0), (x, height)], fill=light, width=1)
    elif pattern == "twill":
        for offset in range(-height, width, 10):
            draw.line([(offset, 0), (offset + height, height)], fill=dark, width=4)
    elif pattern == "knit":
        for y in range(0, height, 16):
            for x in range(0, width, 12):
                draw.polygon([(x, y), (x + 6, y + 14), (x + 12, y)], outline=dark)
    elif pattern == "plaid":
        accent = _shade((rgb[2], rgb[0], rgb[1]), 0.9)
        for x in range(0, width, 80):
            draw.rectangle([x, 0, x + 18, height], fill=dark)
            draw.rectangle([x + 40, 0, x + 44, height], fill=accent)
        for y in range(0, height, 80):
            draw.rectangle([0, y, width, y + 18], fill=dark)
            draw.rectangle([0, y + 40, width, y + 44], fill=accent)
    else:  # herringbone
        for x in range(0, width, 24):
            for y in range(0, height, 12):
                flip = (x // 24) % 2
                draw.line([(x, y), (x + 12, y + (12 if flip else -12))], fill=dark, width=3)
    # Fibre noise, then a slight blur, so it reads as cloth rather than vector art.
    pixels = image.load()
    assert pixels is not None
    for _ in range(9000):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = light if rng.random() < 0.5 else dark
    return image.filter(ImageFilter.GaussianBlur(0.7))


def encode(image: Image.Image, fmt: str, longest_side: int | None = None) -> bytes:
    if longest_side is not None:
        image = image.copy()
        image.thumbnail((longest_side, longest_side))
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=82)
    return buffer.getvalue()
