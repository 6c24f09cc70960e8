"""Journey: a buyer on a phone (412 px wide, 1.75 device pixels per CSS pixel, as Lighthouse's
phone) opens a listing whose photo is 3000 px wide: the page (painted by the server, then by
the web app) downloads the 1200 px display image, never the original; enlarging the photo
downloads the original, for its detail."""

import io
import time
from typing import Any

from PIL import Image
from playwright.sync_api import Browser, Page, Request, expect

from e2e.conftest import Api, loaded_width, watch_console


def photo(size: tuple[int, int]) -> bytes:
    """A picture with detail (a flat colour would compress to nothing)."""
    image = Image.linear_gradient("L").resize(size)
    bands = [
        image,
        image.transpose(Image.Transpose.ROTATE_90).resize(size),
        Image.new("L", size, 90),
    ]
    buffer = io.BytesIO()
    Image.merge("RGB", bands).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def listing_with_a_made_display_image(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    seller = api.register("manufacturer")
    upload = api.post(
        seller, "/api/images", files={"file": ("photo.jpg", photo((3000, 2000)), "image/jpeg")}
    )
    assert upload.status_code == 201, upload.text
    material = api.create_material(seller, images=[upload.json()["image_id"]])
    path = f"/api/materials/{material['material_id']}"
    # The server's worker makes the variants moments after the upload.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        [image] = api.get(None, path).json()["images"]
        if image["display_url"] != image["url"]:
            return material, image
        time.sleep(0.5)
    raise AssertionError("the display image was not made")


def test_a_phone_loads_the_display_image_and_the_lightbox_the_original(
    browser: Browser, browser_context_args: dict[str, Any], base_url: str, api: Api
) -> None:
    material, image = listing_with_a_made_display_image(api)
    assert image["display_url"].endswith("-display.webp")
    assert (image["width"], image["height"]) == (3000, 2000)

    context = browser.new_context(
        **browser_context_args, viewport={"width": 412, "height": 823}, device_scale_factor=1.75
    )
    page: Page = context.new_page()
    problems = watch_console(page)
    requested: list[str] = []

    def record(request: Request) -> None:
        if "/media/" in request.url:
            requested.append(request.url.removeprefix(base_url))

    page.on("request", record)
    try:
        page.goto(f"{base_url}/materials/{material['material_id']}")
        # The web app's gallery (the server's paint has no button), which replaces the
        # painted <img> with its own.
        expect(page.get_by_role("button", name="Enlarge photo")).to_be_visible()
        main = page.get_by_role("img", name=f"{material['title']}, photo 1 of 1", exact=True)
        expect(main).to_have_attribute("src", image["display_url"])
        # A 380 CSS px slot at 1.75: the 1200 px display image, the only photo fetched. (Its
        # naturalWidth is the slot's: a srcset's "w" candidates are density-corrected.)
        assert loaded_width(main) == 380
        assert main.evaluate("img => new URL(img.currentSrc).pathname") == image["display_url"]
        page.wait_for_load_state("networkidle")
        assert image["display_url"] in requested
        assert image["url"] not in requested, requested
        assert requested.count(image["display_url"]) == 1  # painted and preloaded: one download

        page.get_by_role("button", name="Enlarge photo").click()
        enlarged = page.get_by_role("dialog").get_by_role("img")
        expect(enlarged).to_have_attribute("src", image["url"])
        assert loaded_width(enlarged) == 3000
        assert image["url"] in requested
    finally:
        context.close()
    assert not problems, "\n".join(problems)
