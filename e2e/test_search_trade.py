"""Journeys: a buyer compares prices in a currency of their choice (remembered after a
reload), is told when a price sort mixes units and keeps one, and filters by trade terms."""

import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import Api, import_fx_rates


def _word() -> str:
    """A word no other journey uses, so the results are exactly this journey's listings."""
    return f"quokka{uuid.uuid4().hex[:6]}"


def test_prices_in_a_chosen_currency_beside_their_own(
    page: Page, base_url: str, api: Api, tmp_path: Path
) -> None:
    # 1 EUR = 1.25 USD = 0.80 GBP: 10.00 USD is 8.00 EUR, 6.40 GBP.
    import_fx_rates(base_url, tmp_path, {"USD": "1.2500", "GBP": "0.8000"})
    seller = api.register("manufacturer")
    word = _word()
    listing = api.create_material(
        seller, title=f"Dollar-priced poplin {word}", price=10, currency="USD"
    )
    page.goto(f"{base_url}/materials?q={word}")
    results = page.get_by_role("region", name="Results")
    card = results.get_by_role("link", name=re.compile(re.escape(listing["title"])))
    expect(card).to_contain_text("$10.00")
    expect(card.get_by_test_id("display-price")).to_have_count(0)

    page.get_by_label("Prices in").select_option("GBP")
    expect(page).to_have_url(re.compile(r"[?&]display_currency=GBP"))
    # The listing's own price stays; the converted one is beside it.
    expect(card.get_by_test_id("display-price")).to_have_text("≈ £6.40 / m")
    expect(card).to_contain_text("$10.00")

    # Remembered in this browser: a fresh visit without the parameter shows the same.
    page.goto(f"{base_url}/materials?q={word}")
    expect(page.get_by_label("Prices in")).to_have_value("GBP")
    expect(card.get_by_test_id("display-price")).to_have_text("≈ £6.40 / m")
    page.reload()
    expect(page.get_by_label("Prices in")).to_have_value("GBP")
    expect(card.get_by_test_id("display-price")).to_have_text("≈ £6.40 / m")

    # Back to each listing's own currency, remembered too.
    page.get_by_label("Prices in").select_option("")
    expect(card.get_by_test_id("display-price")).to_have_count(0)
    page.goto(f"{base_url}/materials?q={word}")
    expect(page.get_by_label("Prices in")).to_have_value("")
    expect(card).to_contain_text("$10.00")


def test_price_sort_over_mixed_units_says_so_and_keeps_one(
    page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    word = _word()
    api.create_material(seller, title=f"Jersey by the metre {word}", unit="m", price=4)
    api.create_material(
        seller, title=f"Jersey by the kilo {word}", unit="kg", kg_per_unit=None, price=9
    )
    page.goto(f"{base_url}/materials?q={word}")
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_text("2 materials found")).to_be_visible()
    note = results.get_by_role("note", name="Mixed units")
    # Sorted by relevance, the units don't matter.
    expect(note).to_have_count(0)

    page.get_by_label("Sort by").select_option("price_asc")
    expect(note).to_be_visible()
    expect(note).to_contain_text("different units (kg, m)")
    note.get_by_role("button", name="Only kg").click()

    expect(page).to_have_url(re.compile(r"[?&]unit=kg"))
    expect(results.get_by_text("1 material found")).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Jersey by the kilo"))).to_be_visible()
    expect(note).to_have_count(0)
    filters = page.get_by_role("form", name="Filters").filter(visible=True)
    expect(filters.get_by_label("Unit", exact=True)).to_have_value("kg")
    page.get_by_role("button", name="Remove filter Sold by kg").click()
    expect(results.get_by_text("2 materials found")).to_be_visible()
    expect(note).to_be_visible()


def test_buyer_keeps_listings_with_samples(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    word = _word()
    api.create_material(
        seller,
        title=f"Swatchable twill {word}",
        sample_available=True,
        sample_price=0,
        sample_description="A4 swatch",
    )
    api.create_material(seller, title=f"Bulk-only twill {word}")
    page.goto(f"{base_url}/materials?q={word}")
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_text("2 materials found")).to_be_visible()

    filters = page.get_by_role("form", name="Filters").filter(visible=True)
    filters.get_by_label("Samples available").click()
    expect(filters.get_by_label("Samples available")).to_be_checked()
    expect(page).to_have_url(re.compile(r"[?&]sample_available=true"))
    expect(results.get_by_text("1 material found")).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Swatchable twill"))).to_be_visible()
    expect(page.get_by_role("button", name="Remove filter Samples available")).to_be_visible()

    page.reload()
    filters = page.get_by_role("form", name="Filters").filter(visible=True)
    expect(filters.get_by_label("Samples available")).to_be_checked()
    expect(results.get_by_text("1 material found")).to_be_visible()
