"""What a listing's photo weighs at each size the pages use: a photo-like 3000 x 2000 picture
stored as an upload is stored (images/processing.py process: JPEG quality 85), then its
thumbnail and display image as the thumbnail job makes them (variants), with the time that
takes. Not one of `make bench`'s benchmarks (no server): `python -m bench.photo_sizes`.

The picture: noise at several scales (a natural photo's detail falls off with scale, roughly
as 1/f), a woven texture with the light falling across it, and sensor grain; its stored JPEG
weighs what a phone's photo of a fabric does once stored (1-2.5 MB)."""

import io
import random
import sys
import time

from fabricloop.images import processing
from PIL import Image, ImageChops, ImageDraw, ImageFilter

SIZE = (3000, 2000)


def _noise(size: tuple[int, int], scale: int, sigma: float) -> Image.Image:
    small = Image.effect_noise((max(1, size[0] // scale), max(1, size[1] // scale)), sigma)
    return small.resize(size, Image.Resampling.BICUBIC)


def photo(size: tuple[int, int] = SIZE, seed: int = 7) -> Image.Image:
    random.seed(seed)
    width, height = size
    # The light: a broad gradient with blotches at the larger scales.
    light = Image.linear_gradient("L").rotate(35).resize(size)
    for scale, sigma in ((200, 40.0), (50, 25.0), (12, 18.0)):
        light = ImageChops.add(light, _noise(size, scale, sigma), scale=1.0, offset=-128)
    # The weave: warp and weft threads a few pixels apart, unevenly.
    weave = Image.new("L", size, 128)
    draw = ImageDraw.Draw(weave)
    x = 0
    while x < width:
        draw.line([(x, 0), (x, height)], fill=random.randint(60, 110), width=2)
        x += random.randint(5, 8)
    y = 0
    while y < height:
        draw.line([(0, y), (width, y)], fill=random.randint(150, 200), width=2)
        y += random.randint(5, 8)
    weave = weave.filter(ImageFilter.GaussianBlur(0.8))
    detail = ImageChops.add(weave, _noise(size, 3, 30.0), scale=1.0, offset=-128)
    texture = Image.blend(light, detail, 0.45)
    # A dyed cloth: each channel the texture at its own level, with grain of its own.
    channels = [
        ImageChops.add(texture.point(lambda v, k=k: int(v * k)), _noise(size, 1, 8.0), 1.0, -128)
        for k in (0.95, 0.7, 0.55)
    ]
    return Image.merge("RGB", channels)


def measure() -> dict[str, float]:
    camera = io.BytesIO()
    photo().save(camera, "JPEG", quality=95)
    stored = processing.process(io.BytesIO(camera.getvalue()))
    started = time.perf_counter()
    made = processing.variants(stored.data)
    seconds = time.perf_counter() - started
    assert made.display is not None
    return {
        "upload_bytes": len(camera.getvalue()),
        "stored_bytes": len(stored.data),
        "display_bytes": len(made.display),
        "thumbnail_bytes": len(made.thumbnail),
        "variants_seconds": round(seconds, 3),
    }


def main() -> None:
    figures = measure()
    stored, display = figures["stored_bytes"], figures["display_bytes"]
    sys.stdout.write(
        f"| file | bytes |\n| --- | ---: |\n"
        f"| upload (JPEG q95, 3000 x 2000) | {figures['upload_bytes']:,.0f} |\n"
        f"| stored original (`url`, JPEG q85) | {stored:,.0f} |\n"
        f"| display image (`display_url`, WebP q80, 1200 x 800) | {display:,.0f} |\n"
        f"| thumbnail (`thumbnail_url`, WebP q80, 400 x 267) | "
        f"{figures['thumbnail_bytes']:,.0f} |\n\n"
        f"display / original: {display / stored:.1%}; both variants made in "
        f"{figures['variants_seconds']} s\n"
    )


if __name__ == "__main__":
    main()
