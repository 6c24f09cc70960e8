"""Journey: every country input is a searchable list of names that stores the ISO code. A buyer
types "Austria" and the order ships to AT (never "AU", Australia); a prefix that is no country is
refused before anything is ordered; the search filter takes a name too."""

import re

from playwright.sync_api import Page, expect

from e2e.conftest import SHIPPING_ADDRESS, Api, login_in_browser


def fill_address(page: Page, country: str) -> None:
    page.get_by_label(re.compile(r"^Quantity \(m\)")).fill("10")
    page.get_by_label("Recipient name").fill(SHIPPING_ADDRESS["recipient_name"])
    page.get_by_label("Address line 1").fill("Mariahilfer Straße 1")
    page.get_by_label("City").fill("Wien")
    page.get_by_label("Postal code").fill("1060")
    page.get_by_label("Country").fill(country)
    page.get_by_label("Country").blur()


def test_the_shipping_country_is_chosen_by_name(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(seller, quantity=100, price=5)
    login_in_browser(page, base_url, brand)
    page.goto(f"{base_url}/checkout/{material['material_id']}")

    # "Au" was cut to a code once (Australia); now it is no country at all.
    fill_address(page, "Au")
    expect(page.get_by_text("Choose a country from the list.")).to_be_visible()
    page.get_by_label("Payment method").select_option("pm_card_visa")
    page.get_by_role("button", name="Pay €50.00").click()
    expect(page.get_by_text("Choose a country from the list.")).to_be_visible()
    orders = api.get(brand, "/api/transactions", params={"role": "buyer"}).json()
    assert orders["total"] == 0

    # The list offers the names matching what is typed.
    options = page.locator("datalist option")
    assert "Austria" in options.evaluate_all("os => os.map(o => o.value)")
    page.get_by_label("Country").fill("austria")  # any case
    page.get_by_label("Country").blur()
    expect(page.get_by_label("Country")).to_have_value("Austria")
    page.get_by_role("button", name="Pay €50.00").click()
    expect(page.get_by_role("heading", name="Payment confirmed")).to_be_visible()

    [order] = api.get(brand, "/api/transactions", params={"role": "buyer"}).json()["transactions"]
    detail = api.get(brand, f"/api/transactions/{order['transaction_id']}").json()
    assert detail["shipping_address"]["country"] == "AT"


def test_the_search_filter_takes_a_country_name(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/materials")
    origin = page.get_by_role("combobox", name="Origin country")
    origin.fill("United Kingdom")
    origin.blur()
    expect(page).to_have_url(re.compile(r"origin_country=GB"))
    # Back from the URL, the field shows the name.
    page.reload()
    expect(page.get_by_role("combobox", name="Origin country")).to_have_value("United Kingdom")
