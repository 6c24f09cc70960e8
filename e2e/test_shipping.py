"""Journey: a seller sets up a shipping zone (countries picked from the list), a buyer sees the
delivered price and time on the listing for their country, pays goods + shipping at checkout,
the seller ships with a carrier, and the buyer follows the tracking link."""

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Api, card, login_in_browser
from e2e.test_purchase import fill_checkout, status_badge

UPS_PAGE = "https://www.ups.com/track?tracknum=1Z999AA10123456784"


def test_zone_quote_checkout_and_tracking(
    page: Page, other_page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    # 0.25 kg per metre at €6.50 per metre.
    material = api.create_material(seller, quantity=200, price=6.5, kg_per_unit=0.25)
    listing_url = f"{base_url}/materials/{material['material_id']}"

    # The seller: one zone for Germany and France, pickup offered.
    seller_page = other_page
    login_in_browser(seller_page, base_url, seller)
    seller_page.goto(f"{base_url}/account")
    seller_page.get_by_role("link", name="Shipping settings").click()
    expect(seller_page.get_by_role("heading", name="Shipping settings")).to_be_visible()
    seller_page.get_by_label("Ships from").select_option("PT")
    seller_page.get_by_label("Handling days").fill("2")
    seller_page.get_by_label("Incoterm").select_option("DAP")
    seller_page.get_by_label("Buyers may collect orders (pickup)").check()
    zone = seller_page.get_by_role("group", name="Zone 1")
    zone.get_by_label("Zone name").fill("Germany and France")
    zone.get_by_label("Add a country").select_option("DE")
    zone.get_by_label("Add a country").select_option("FR")
    countries = zone.get_by_role("list", name="Countries of zone 1")
    expect(countries.get_by_role("listitem")).to_have_count(2)
    expect(countries).to_contain_text("Germany")
    expect(countries).to_contain_text("France")
    zone.get_by_label("Base price").fill("20")
    zone.get_by_label("Price per kg").fill("0.5")
    zone.get_by_label("Transit days (min)").fill("2")
    zone.get_by_label("Transit days (max)").fill("4")
    seller_page.get_by_role("button", name="Save shipping profile").click()
    expect(seller_page.get_by_text("Shipping profile saved.")).to_be_visible()
    saved = api.get(seller, "/api/account/shipping-profile").json()
    assert saved["zones"][0]["countries"] == ["DE", "FR"]

    # The buyer: the listing shows the delivered price for the country they choose.
    login_in_browser(page, base_url, brand)
    page.goto(listing_url)
    quote = page.get_by_test_id("delivery-quote")
    quote.get_by_label("Deliver to").select_option("DE")
    # 1 m = 0.25 kg: 20 + 0.5 x 0.25 = 20.125 -> €20.13; 2 handling + 2-4 transit days.
    expect(quote).to_contain_text("Delivered to Germany from €20.13 in 4\u20136 days (DAP).")
    # Remembered: after a reload the same country is shown without asking.
    page.reload()
    expect(page.get_by_test_id("delivery-quote")).to_contain_text("Delivered to Germany")
    page.get_by_role("button", name="Change country").click()
    page.get_by_label("Deliver to").select_option("JP")
    expect(page.get_by_test_id("delivery-quote")).to_contain_text("does not ship to Japan")
    page.get_by_role("button", name="Change country").click()
    page.get_by_label("Deliver to").select_option("DE")

    # Checkout: goods, shipping and total before paying.
    page.get_by_role("link", name="Buy now").click()
    # (The listing has a quantity input too: wait for the checkout's.)
    expect(page.get_by_role("heading", name="Complete your order")).to_be_visible()
    fill_checkout(page, "40")
    summary = card(page, "Order summary")
    # 40 m x €6.50 = €260.00; 10 kg: 20 + 0.5 x 10 = €25.00; total €285.00.
    expect(summary.get_by_test_id("goods-total")).to_have_text("€260.00")
    expect(summary.get_by_test_id("shipping-price")).to_contain_text("€25.00")
    expect(summary.get_by_test_id("order-total")).to_have_text("€285.00")
    page.get_by_label("Payment method").select_option("pm_card_visa")
    page.get_by_role("button", name="Pay €285.00").click()
    expect(page.get_by_text(re.compile(r"You paid €285\.00 for 40 m of"))).to_be_visible()
    page.get_by_role("link", name="View order").click()
    expect(page).to_have_url(re.compile(r"/transactions/[0-9a-f-]{36}$"))
    order_url = page.url
    details = card(page, "Details")
    expect(details.get_by_text("€25.00")).to_be_visible()
    expect(details.locator("strong").get_by_text("€285.00")).to_be_visible()
    expect(card(page, "Delivery")).to_contain_text("Expected by")

    # The seller ships with UPS and a tracking number.
    seller_page.goto(order_url)
    ship = card(seller_page, "Ship this order")
    ship.get_by_label("Carrier").select_option("ups")
    ship.get_by_label("Tracking number (optional)").fill("1Z999AA10123456784")
    ship.get_by_role("button", name="Mark as shipped").click()
    expect(status_badge(seller_page, "Shipped")).to_be_visible()

    # The buyer sees the carrier on the timeline and follows the tracking link (the carrier's
    # site is answered locally: this machine has no internet).
    page.context.route(
        re.compile(r"^https://www\.ups\.com/"),
        lambda route: route.fulfill(body="<h1>UPS tracking 1Z999AA10123456784</h1>"),
    )
    page.reload()
    expect(status_badge(page, "Shipped")).to_be_visible()
    expect(card(page, "Status history")).to_contain_text("UPS · 1Z999AA10123456784")
    link = page.get_by_test_id("tracking-link")
    expect(link).to_have_attribute("href", UPS_PAGE)
    with page.context.expect_page() as opened:
        link.click()
    carrier_page = opened.value
    carrier_page.wait_for_load_state()
    assert carrier_page.url == UPS_PAGE
    expect(carrier_page.get_by_role("heading")).to_have_text("UPS tracking 1Z999AA10123456784")
