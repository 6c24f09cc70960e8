"""Journeys of trade: a brand orders a free swatch, then negotiates an offer with the seller
(offer, counter, accept) into an order it pays; and a brand buys one lot of a listing at the
price tier its quantity reaches, the quantity input explaining the minimum and steps."""

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Api, card, login_in_browser
from e2e.test_purchase import fill_address, fill_checkout, status_badge

TERMS = {"min_order_quantity": 10, "order_increment": 5}


def test_sample_then_offer_countered_accepted_and_paid(
    page: Page, other_page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(
        seller,
        quantity=200,
        price=6.5,
        sample_available=True,
        sample_price=0,
        sample_description="A4 swatch",
        **TERMS,
    )
    listing = f"{base_url}/materials/{material['material_id']}"
    login_in_browser(page, base_url, brand)

    # A free swatch: no payment, the order is paid at once.
    page.goto(listing)
    page.get_by_role("button", name="Order a sample (free)").click()
    dialog = page.get_by_role("dialog", name="Order a sample")
    expect(dialog).to_contain_text("A4 swatch")
    fill_address(dialog)
    dialog.get_by_role("button", name="Order free sample").click()
    expect(page).to_have_url(re.compile(r"/transactions/[0-9a-f-]{36}$"))
    expect(status_badge(page, "Paid")).to_be_visible()
    details = card(page, "Details")
    expect(details.get_by_text("1 sample", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Pay "))).to_have_count(0)
    # The bulk stock is untouched.
    assert api.get(brand, f"/api/materials/{material['material_id']}").json()["quantity"] == 200

    # An offer for 50 m at 5.00, below the listed 6.50.
    page.goto(listing)
    page.get_by_label("Quantity (m)").fill("50")
    page.get_by_role("button", name="Make an offer").click()
    dialog = page.get_by_role("dialog", name="Make an offer")
    expect(dialog).to_contain_text("50 m of")
    dialog.get_by_label("Your price per m (EUR)").fill("5")
    dialog.get_by_label("Message to the seller (optional)").fill("Can you do 5.00 for 50 m?")
    dialog.get_by_role("button", name="Send offer").click()
    expect(page).to_have_url(re.compile(r"/offers/[0-9a-f-]{36}$"))
    offer_url = page.url
    expect(page.get_by_role("heading", level=1, name=material["title"])).to_be_visible()
    expect(page.get_by_text(f"Waiting for {seller['company']} to answer.")).to_be_visible()
    # The buyer made the last round: it may withdraw it, not accept it.
    expect(page.get_by_role("button", name="Withdraw offer")).to_be_visible()
    expect(page.get_by_role("button", name="Accept offer")).to_have_count(0)

    # The seller counters at 5.50 from the list of offers received.
    login_in_browser(other_page, base_url, seller)
    other_page.goto(f"{base_url}/offers")
    received = other_page.get_by_role("list", name="Offers")
    expect(received.get_by_text("Your turn")).to_be_visible()
    received.get_by_role("link", name=material["title"]).click()
    counter = card(other_page, "Counter-offer")
    counter.get_by_label("Unit price (EUR)").fill("5.5")
    counter.get_by_role("button", name="Send counter-offer").click()
    expect(other_page.get_by_text("Counter-offer sent.")).to_be_visible()
    expect(other_page.get_by_role("list", name="Rounds").get_by_role("listitem")).to_have_count(2)
    expect(other_page.get_by_role("button", name="Accept offer")).to_have_count(0)

    # The buyer accepts the counter and pays the order it became: 50 m x 5.50.
    page.goto(offer_url)
    expect(page.get_by_text("Your turn: accept, counter or decline.")).to_be_visible()
    expect(page.get_by_role("list", name="Rounds")).to_contain_text("50 m at €5.50 / m")
    page.get_by_role("button", name="Accept offer").click()
    accept = page.get_by_role("dialog", name="Accept this offer?")
    # The buyer says where the order goes as it accepts.
    fill_address(accept)
    accept.get_by_role("button", name="Accept offer").click()
    expect(status_badge(page, "Accepted")).to_be_visible()
    page.get_by_role("link", name="Go to the order and pay").click()
    expect(page).to_have_url(re.compile(r"/transactions/[0-9a-f-]{36}$"))
    expect(card(page, "Details").locator("strong").get_by_text("€275.00")).to_be_visible()
    expect(card(page, "Shipping address").get_by_text("Torstraße 101")).to_be_visible()
    page.get_by_label("Payment method").select_option("pm_card_visa")
    page.get_by_role("button", name="Pay €275.00").click()
    expect(status_badge(page, "Paid")).to_be_visible()


def test_buy_a_lot_at_a_tier_price(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(
        seller,
        quantity=None,
        price=6.5,
        price_tiers=[{"min_quantity": 50, "price": 4}, {"min_quantity": 100, "price": 3.5}],
        lots=[
            {"lot_code": "DL-2291", "quantity": 30, "grade": "first", "color": "Indigo"},
            {"lot_code": "DL-2292", "quantity": 80, "grade": "second", "width_cm": 150},
        ],
        **TERMS,
    )
    login_in_browser(page, base_url, brand)
    page.goto(f"{base_url}/materials/{material['material_id']}")

    tiers = page.get_by_test_id("price-tiers")
    expect(tiers).to_contain_text("From 50 m")
    expect(tiers).to_contain_text("€4.00 / m")
    page.get_by_role("radio", name=re.compile(r"^DL-2292")).check()
    quantity = page.get_by_label("Quantity (m)")
    # Off the 5 m steps: the nearest valid quantities are named, and nothing is bought.
    quantity.fill("62")
    quantity.blur()
    expect(page.get_by_text("Order in steps of 5 m from 10 m: try 60 m or 65 m.")).to_be_visible()
    expect(quantity).to_have_attribute("aria-invalid", "true")
    # More than the lot holds.
    quantity.fill("85")
    page.get_by_role("link", name="Buy now").click()
    expect(page.get_by_text("Only 80 m available.")).to_be_visible()
    quantity.fill("60")
    expect(page.get_by_test_id("price-reached")).to_have_text("€4.00 / m · €240.00 for 60 m")
    expect(tiers.locator("[aria-current='true']")).to_contain_text("From 50 m")

    page.get_by_role("link", name="Buy now").click()
    expect(page).to_have_url(re.compile(r"/checkout/[0-9a-f-]{36}\?quantity=60&lot=DL-2292$"))
    expect(page.get_by_role("radio", name=re.compile(r"^DL-2292"))).to_be_checked()
    fill_checkout(page, "60")
    summary = card(page, "Order summary")
    expect(summary.get_by_test_id("unit-price")).to_have_text("€4.00 / m")
    expect(summary.get_by_test_id("order-total")).to_have_text("€240.00")
    page.get_by_label("Payment method").select_option("pm_card_visa")
    page.get_by_role("button", name="Pay €240.00").click()
    expect(page.get_by_role("heading", name="Payment confirmed")).to_be_visible()

    page.get_by_role("link", name="View order").click()
    expect(card(page, "Details").get_by_text("DL-2292", exact=True)).to_be_visible()
    listing = api.get(brand, f"/api/materials/{material['material_id']}").json()
    lots = {lot["lot_code"]: lot["quantity"] for lot in listing["lots"]}
    assert lots == {"DL-2291": 30, "DL-2292": 20}
    [order] = api.get(brand, "/api/transactions", params={"role": "buyer"}).json()["transactions"]
    assert (order["lot_code"], order["unit_price"], order["total"]) == ("DL-2292", 4, 240)
