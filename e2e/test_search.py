"""Journey: a brand searches the catalogue by text and a filter (kept in the URL, so a reload or
a shared link shows the same results) and opens a material: price, impact and its passport."""

import re
import uuid

from playwright.sync_api import Page, expect

from e2e.conftest import Api, card, loaded_width, login_in_browser


def test_brand_searches_filters_and_views_a_material(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    # A word no other journey uses, so the results are exactly these listings.
    word = f"zephyr{uuid.uuid4().hex[:6]}"
    wool = api.create_material(
        seller,
        title=f"Charcoal recycled wool melton {word}",
        description="Heavy melton for outerwear, mechanically recycled.",
        material_type="recycled_wool",
        source_type="recycled",
        unit="kg",
        kg_per_unit=None,
        quantity=120,
        price=14.9,
        composition=[{"fibre": "recycled_wool", "percent": 100}],
        certifications=[{"scheme": "GRS", "certificate_id": "GRS-778-E2E"}],
        sustainability_metrics={
            "carbon_footprint": 1.2,
            "water_usage": 40,
            "chemical_composition": [],
        },
    )
    api.create_material(
        seller,
        title=f"Ecru cotton canvas {word}",
        description="Sturdy 12 oz canvas from a bag order.",
        material_type="cotton",
    )

    login_in_browser(page, base_url, brand)
    page.goto(f"{base_url}/materials")
    page.get_by_role("searchbox", name="Search materials").fill(word)
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(rf"[?&]q={word}"))
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_text("2 materials found")).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Ecru cotton canvas"))).to_be_visible()

    filters = page.get_by_role("form", name="Filters").filter(visible=True)
    # A type the search would find nothing of reads lighter than one it would find.
    cotton = filters.locator("label", has_text=re.compile(r"^Cotton \(1\)$"))
    polyester = filters.locator("label", has_text=re.compile(r"^Polyester \(0\)$"))
    expect(cotton).to_be_visible()
    expect(polyester).to_be_visible()
    colour = "e => getComputedStyle(e).color"
    assert polyester.evaluate(colour) != cotton.evaluate(colour)
    # A controlled checkbox that follows the URL: click, then wait for the new state.
    filters.get_by_label("Recycled wool").click()
    expect(filters.get_by_label("Recycled wool")).to_be_checked()
    expect(page).to_have_url(re.compile(r"[?&]material_type=recycled_wool"))
    expect(page).to_have_url(re.compile(rf"[?&]q={word}"))
    expect(results.get_by_text("1 material found")).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Ecru cotton canvas"))).to_have_count(0)

    # The URL carries the search: a reload shows the same, with the filter still ticked.
    page.reload()
    expect(results.get_by_text("1 material found")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search materials")).to_have_value(word)
    filters = page.get_by_role("form", name="Filters").filter(visible=True)
    expect(filters.get_by_label("Recycled wool")).to_be_checked()

    wool_card = results.get_by_role("link", name=re.compile(re.escape(wool["title"])))
    expect(wool_card).to_contain_text("€14.90")
    expect(wool_card).to_contain_text(seller["company"])
    wool_card.click()

    expect(page).to_have_url(f"{base_url}/materials/{wool['material_id']}")
    expect(page.get_by_role("heading", level=1, name=wool["title"])).to_be_visible()
    expect(page.get_by_text("€14.90 / kg", exact=True)).to_be_visible()
    expect(page.get_by_text("120 kg available")).to_be_visible()
    expect(page.get_by_role("link", name="Buy now")).to_be_visible()

    impact = card(page, "Environmental impact")
    expect(impact.get_by_text("Carbon saved")).to_be_visible()
    expect(impact.get_by_text("Water saved")).to_be_visible()
    expect(impact.get_by_text("1.2", exact=True)).to_be_visible()
    # The saving is computed against a virgin baseline, never shown as missing.
    expect(impact.locator("dd").first).not_to_have_text("n/a")
    expect(impact.get_by_text(re.compile(r"Savings compared with .*wool", re.I))).to_be_visible()

    passport = card(page, "Digital Product Passport")
    qr = passport.get_by_role("img", name="QR code linking to the passport")
    expect(qr).to_be_visible()
    assert loaded_width(qr) > 0, "the passport's QR code did not load"
    expect(card(page, "Certifications").get_by_text("GRS-778-E2E")).to_be_visible()

    passport.get_by_role("link", name="View passport →").click()
    expect(page).to_have_url(f"{base_url}/passport/{wool['material_id']}")
    expect(page.get_by_role("heading", level=1, name=wool["title"])).to_be_visible()


def test_one_tab_from_the_search_box_skips_to_the_results(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/materials")
    # The server's first paint has the same search box until the web app replaces it.
    expect(page.get_by_role("status", name="Loading search")).to_have_count(0)
    page.get_by_role("searchbox").focus()
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Results")).to_be_focused()


def test_search_without_results_offers_to_clear(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/materials?q=nothingmatches{uuid.uuid4().hex[:8]}")
    expect(page.get_by_text("No materials match")).to_be_visible()
    page.get_by_role("button", name="Clear search and filters").click()
    expect(page).to_have_url(f"{base_url}/materials")


def test_signed_in_buyer_saves_a_search_and_opens_it_again(
    page: Page, base_url: str, api: Api
) -> None:
    brand = api.register("brand")
    login_in_browser(page, base_url, brand)
    page.goto(f"{base_url}/materials?q=denim&material_type=cotton")
    page.get_by_role("button", name="Save this search").click()
    page.get_by_label("Name of the search").fill("Cotton denim for spring")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("you will be notified of new matches")
    saved = api.get(brand, "/api/saved-searches").json()["saved_searches"]
    assert [(s["name"], s["alert"], s["query"]["q"]) for s in saved] == [
        ("Cotton denim for spring", True, "denim")
    ]
    page.get_by_role("link", name="Saved searches").click()
    link = page.get_by_role("link", name="Cotton denim for spring")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"/materials\?.*q=denim"))
    expect(page.get_by_role("searchbox").first).to_have_value("denim")
