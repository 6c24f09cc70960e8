"""Journey: a manufacturer lists a material with a photo, composition and metrics, then sees the
listing's page with that photo, its data and a Digital Product Passport."""

import io
import re
import uuid

import httpx
from PIL import Image, ImageDraw
from playwright.sync_api import FilePayload, Page, expect

from e2e.conftest import Api, card, loaded_width, login_in_browser


def swatch_png() -> bytes:
    """A 640x480 striped swatch, like a phone photo of a fabric roll."""
    image = Image.new("RGB", (640, 480), (38, 92, 70))
    draw = ImageDraw.Draw(image)
    for x in range(0, 640, 24):
        draw.rectangle((x, 0, x + 10, 480), fill=(214, 196, 160))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_manufacturer_lists_a_material_with_a_photo(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    title = f"Sage organic cotton poplin {uuid.uuid4().hex[:6]}"
    login_in_browser(page, base_url, seller)

    page.get_by_role("banner").get_by_role("link", name="+ List material").click()
    expect(page).to_have_url(re.compile(r"/materials/new$"))
    expect(page.get_by_role("heading", name="List a material")).to_be_visible()

    # Basics
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Crisp 120 gsm poplin from a cancelled shirting order.")
    page.get_by_label("Material type").select_option("organic_cotton")
    page.get_by_label("Source").select_option("deadstock")
    page.get_by_label("Colour").fill("Sage")
    page.get_by_label("Origin country").fill("Portugal")  # a name; PT is stored

    # Quantity and price (metres need a weight per unit for the impact figures)
    page.get_by_label("Quantity available").fill("320")
    page.get_by_label(re.compile(r"^Unit")).select_option("m")
    page.get_by_label("Weight per unit (kg)").fill("0.18")
    page.get_by_label("Price per unit").fill("5.40")
    page.get_by_label("Currency").select_option("EUR")

    # Photo: the upload shows progress, then the thumbnail as the cover.
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload images").click()
    swatch: FilePayload = {"name": "swatch.png", "mimeType": "image/png", "buffer": swatch_png()}
    chooser.value.set_files(files=[swatch])
    images = page.get_by_role("list", name="Images")
    expect(images.get_by_role("img", name="Image 1")).to_be_visible()
    expect(images.get_by_text("Cover")).to_be_visible()

    # Composition: two fibres adding up to 100 %
    page.get_by_role("button", name="+ Add fibre").click()
    page.locator("#composition-0-fibre").fill("organic_cotton")
    page.locator("#composition-0-percent").fill("95")
    page.get_by_role("button", name="+ Add fibre").click()
    page.locator("#composition-1-fibre").fill("elastane")
    page.locator("#composition-1-percent").fill("5")

    # Certification
    page.get_by_role("button", name="+ Add certification").click()
    page.get_by_label("Scheme").select_option("GOTS")
    page.get_by_label("Certificate number or reference").fill("GOTS-2025-0042")

    # Sustainability metrics
    page.get_by_label("Carbon footprint (kg CO₂e per kg)").fill("1.8")
    page.get_by_label("Water usage (L per kg)").fill("750")

    page.get_by_role("button", name="Publish listing").click()

    # The listing's own page
    expect(page).to_have_url(re.compile(r"/materials/[0-9a-f-]{36}$"))
    material_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_text("€5.40 / m", exact=True)).to_be_visible()
    expect(page.get_by_text("320 m available")).to_be_visible()
    expect(page.get_by_text(f"Sold by {seller['company']}")).to_be_visible()

    photo = page.get_by_role("img", name=re.compile(rf"^{re.escape(title)}, photo 1 of 1$"))
    expect(photo).to_be_visible()
    expect(photo).to_have_attribute("src", re.compile(r"^/media/"))
    # The photo loaded (its natural width follows the srcset candidate and the slot's `sizes`,
    # so it is not the file's width: whether the thumbnail job has run yet decides which).
    assert loaded_width(photo) > 0, "the uploaded photo did not load"
    src = photo.get_attribute("src")
    assert src is not None
    image_response = httpx.get(base_url + src, timeout=10)
    assert image_response.status_code == 200
    assert image_response.headers["content-type"].startswith("image/")
    # A photo narrower than the display size is its own display image: the upload, 640 px.
    assert Image.open(io.BytesIO(image_response.content)).width == 640

    composition = card(page, "Composition")
    expect(composition.get_by_text("Organic cotton")).to_be_visible()
    expect(composition.get_by_text("95%")).to_be_visible()
    expect(composition.get_by_text("Elastane")).to_be_visible()
    expect(composition.get_by_text("5%", exact=True)).to_be_visible()
    expect(page.get_by_text("GOTS-2025-0042")).to_be_visible()

    impact = card(page, "Environmental impact")
    expect(impact.get_by_text("1.8", exact=True)).to_be_visible()
    expect(impact.get_by_text("750", exact=True)).to_be_visible()

    expect(page.get_by_role("heading", name="Digital Product Passport")).to_be_visible()
    expect(page.get_by_role("link", name="View passport →")).to_have_attribute(
        "href", f"/passport/{material_id}"
    )

    # What the API stored matches what was entered.
    stored = api.get(None, f"/api/materials/{material_id}").json()
    assert stored["seller"]["user_id"] == seller["user_id"]
    assert [(c["fibre"], float(c["percent"])) for c in stored["composition"]] == [
        ("organic_cotton", 95.0),
        ("elastane", 5.0),
    ]
    assert float(stored["sustainability_metrics"]["carbon_footprint"]) == 1.8
    assert len(stored["images"]) == 1


def test_listing_form_explains_missing_fields(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    login_in_browser(page, base_url, seller)
    page.goto(f"{base_url}/materials/new")
    page.get_by_role("button", name="+ Add fibre").click()
    page.locator("#composition-0-fibre").fill("cotton")
    page.locator("#composition-0-percent").fill("60")
    page.get_by_role("button", name="Publish listing").click()

    expect(page.get_by_text("Please fix the highlighted fields.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Title")).to_be_focused()
    expect(page.get_by_text("Percentages must add up to 100 (now 60).")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/materials/new$"))
