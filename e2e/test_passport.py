"""Journey: anyone, without an account, opens a material's Digital Product Passport at
/passport/{material_id} (the page its QR code points to) and reads its key data; the QR image
loads and encodes that very page; the passport stays public after the listing is deleted."""

import io
import itertools
import re

import segno
from PIL import Image
from playwright.sync_api import Page, expect

from e2e.conftest import Api, card, loaded_width

TITLE = "Undyed recycled cotton jersey"


def qr_encodes(png: bytes, text: str) -> bool:
    """Whether a screenshot of a QR code shows the symbol segno makes for `text` (under any
    error-correction level and mask, so the server's choice of those doesn't matter)."""
    image = Image.open(io.BytesIO(png)).convert("L").point(lambda v: 255 if v > 128 else 0)
    dark = Image.eval(image, lambda v: 255 - v).getbbox()
    assert dark, "the QR image is blank"
    left, top, right, bottom = dark
    for error, mask in itertools.product("lmqh", range(8)):
        symbol = segno.make(text, error=error, mask=mask, micro=False, boost_error=False)
        matrix = symbol.matrix
        n = len(matrix)
        step_x, step_y = (right - left) / n, (bottom - top) / n
        if all(
            (image.getpixel((int(left + (x + 0.5) * step_x), int(top + (y + 0.5) * step_y))) == 0)
            == bool(matrix[y][x])
            for y in range(n)
            for x in range(n)
        ):
            return True
    return False


def test_public_passport_without_an_account(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer", company="Fiação do Ave Lda")
    material = api.create_material(
        seller,
        title=TITLE,
        material_type="recycled_cotton",
        source_type="post_industrial",
        origin_country="PT",
        manufacture_date="2025-02-03",
        composition=[
            {"fibre": "recycled_cotton", "percent": 70},
            {"fibre": "recycled_polyester", "percent": 30},
        ],
        certifications=[
            {"scheme": "GRS", "certificate_id": "GRS-PT-2291", "valid_until": "2031-06-30"}
        ],
        sustainability_metrics={
            "carbon_footprint": 1.9,
            "water_usage": 120,
            "chemical_composition": [{"name": "Formaldehyde", "cas_number": "50-00-0"}],
        },
        supply_chain=[
            {"stage": "spinning", "company": "Fiação do Ave", "country": "PT"},
            {"stage": "knitting", "company": "Malhas Norte", "country": "PT"},
        ],
    )
    material_id = material["material_id"]
    # A later measurement: the passport shows it as current and keeps the first in its history.
    api.post(
        seller,
        f"/api/passports/{material_id}/metrics",
        json={
            "carbon_footprint": 1.6,
            "water_usage": 110,
            "chemical_composition": [
                {"name": "Formaldehyde", "cas_number": "50-00-0", "concentration_ppm": 12}
            ],
        },
    )

    passport_url = f"{base_url}/passport/{material_id}"
    page.goto(passport_url)
    expect(page.get_by_text("Digital Product Passport", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_text("Made in Portugal")).to_be_visible()
    expect(page.get_by_text("Issued by Fiação do Ave Lda")).to_be_visible()
    # No account needed: the header offers to sign in, nothing redirected to the login page.
    expect(page).to_have_url(passport_url)
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    qr = page.get_by_role("img", name=f"QR code linking to {passport_url}")
    expect(qr).to_be_visible()
    assert loaded_width(qr) > 0, "the QR code image did not load"
    expect(page.get_by_text(passport_url, exact=True)).to_be_visible()

    expect(card(page, "Identity").get_by_text("3 Feb 2025")).to_be_visible()
    metrics = card(page, "Current sustainability metrics")
    expect(metrics.get_by_text("1.6", exact=True)).to_be_visible()
    expect(metrics.get_by_text("110", exact=True)).to_be_visible()
    composition = card(page, "Composition")
    expect(composition.get_by_text("Recycled cotton")).to_be_visible()
    expect(composition.get_by_text("70%")).to_be_visible()
    expect(composition.get_by_text("30%")).to_be_visible()
    expect(card(page, "Certifications").get_by_text("GRS-PT-2291")).to_be_visible()
    supply_chain = card(page, "Supply chain")
    expect(supply_chain.get_by_text("Spinning")).to_be_visible()
    expect(supply_chain.get_by_text("Malhas Norte · Portugal")).to_be_visible()
    chemicals = card(page, "Chemical composition").get_by_role("row").nth(1)
    expect(chemicals).to_contain_text("Formaldehyde")
    expect(chemicals).to_contain_text("50-00-0")
    expect(chemicals).to_contain_text("12")
    history = card(page, "Metrics history").get_by_role("row")
    expect(history).to_have_count(3)  # header + two records, newest first
    expect(history.nth(1)).to_contain_text("1.6")
    expect(history.nth(2)).to_contain_text("1.9")

    untp = page.get_by_role("link", name="Machine-readable (UNTP JSON)")
    expect(untp).to_have_attribute("href", f"/api/passports/{material_id}/untp.json")
    assert api.get(None, f"/api/passports/{material_id}/untp.json").status_code == 200

    # The QR code is the way in: it encodes this page's address.
    qr_src = qr.get_attribute("src")
    assert qr_src
    page.goto(base_url + qr_src)
    assert qr_encodes(page.locator("svg").first.screenshot(), passport_url), (
        "the QR code does not encode the passport's public URL"
    )

    # A passport outlives its listing.
    deleted = api.http.delete(
        f"/api/materials/{material_id}", headers={"Authorization": f"Bearer {seller['token']}"}
    )
    assert deleted.status_code == 200
    page.goto(passport_url)
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()


def test_unknown_passport_is_not_found(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/passport/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_role("heading", name=re.compile("not found", re.I))).to_be_visible()


def test_scanned_digital_link_opens_the_passport(page: Page, base_url: str, api: Api) -> None:
    """A GS1 Digital Link, as its QR code carries it, opens a readable page in a browser (the
    lot's own when it names one) that leads to the full passport; an unknown one is 404."""
    seller = api.register("manufacturer")
    gtin = "09520123456788"
    material = api.create_material(
        seller,
        title="Scannable recycled denim",
        gtin=gtin,
        quantity=500,
        lots=[
            {"lot_code": "A-01", "quantity": 300, "grade": "first"},
            {"lot_code": "B-02", "quantity": 200, "grade": "second"},
        ],
    )
    response = page.goto(f"{base_url}/01/{gtin}/10/B-02")
    assert response is not None
    assert response.status == 200
    expect(page).to_have_title("Scannable recycled denim: Digital Product Passport")
    expect(page.get_by_role("heading", level=1, name="Scannable recycled denim")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Lot"))).to_contain_text("B-02")
    expect(page.get_by_role("row", name=re.compile("Issued for"))).to_contain_text(
        seller["company"]
    )
    page.get_by_role("link", name="Open the full passport").click()
    expect(page).to_have_url(re.compile(f"/passport/{material['material_id']}"))
    expect(page.get_by_role("heading", level=1, name="Scannable recycled denim")).to_be_visible()

    for unknown in (f"/01/{gtin[:-1]}9", f"/01/{gtin}/10/Z-99", "/01/09520123456788/21/1"):
        response = page.goto(f"{base_url}{unknown}")
        assert response is not None
        assert response.status == 404, unknown


def test_methodology_page_reads_well(page: Page, base_url: str) -> None:
    """The public method page: the method in sentences, the factors with their sources."""
    page.goto(f"{base_url}/methodology")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    body = page.locator("main")
    expect(body).to_contain_text("Scope 3")
    expect(body).to_contain_text("supplier")
    expect(body.get_by_role("table").first).to_be_visible()
    # Every row of the factor tables names its source, no page of two words.
    assert len(body.inner_text().split()) > 200
