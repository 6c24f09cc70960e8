"""Journey: a brand buys a listing at checkout (quantity, shipping address, sandbox card) and sees
the confirmation and the order as paid; a declined card is shown clearly and the order stays
payable, and the buyer pays it from the order page."""

import re

from playwright.sync_api import Locator, Page, expect

from e2e.conftest import SHIPPING_ADDRESS, Api, card, login_in_browser


def status_badge(page: Page, status: str) -> Locator:
    """The order's status badge next to its title (not the "Paid" date in the details)."""
    return page.locator("main span").filter(has_text=re.compile(rf"^{status}$"))


def fill_address(scope: Page | Locator) -> None:
    """The shipping address fields, on a page or inside a dialog."""
    scope.get_by_label("Recipient name").fill(SHIPPING_ADDRESS["recipient_name"])
    scope.get_by_label("Address line 1").fill(SHIPPING_ADDRESS["line1"])
    scope.get_by_label("City").fill(SHIPPING_ADDRESS["city"])
    scope.get_by_label("Postal code").fill(SHIPPING_ADDRESS["postal_code"])
    scope.get_by_label("Country").fill(SHIPPING_ADDRESS["country"])


def fill_checkout(page: Page, quantity: str) -> None:
    page.get_by_label(re.compile(r"^Quantity \(m\)")).fill(quantity)
    fill_address(page)


def test_brand_buys_and_pays_with_a_test_card(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(seller, quantity=200, price=6.5)
    login_in_browser(page, base_url, brand)

    page.goto(f"{base_url}/materials/{material['material_id']}")
    page.get_by_role("link", name="Buy now").click()
    expect(page).to_have_url(f"{base_url}/checkout/{material['material_id']}")
    expect(page.get_by_role("heading", name="Complete your order")).to_be_visible()

    fill_checkout(page, "40")
    summary = card(page, "Order summary")
    expect(summary.get_by_test_id("order-total")).to_have_text("€260.00")  # 40 m x €6.50
    # The seller has no shipping profile: delivery is arranged by the seller, at no charge.
    expect(summary.get_by_test_id("shipping-price")).to_have_text("Arranged by the seller")
    page.get_by_label("Payment method").select_option("pm_card_visa")
    page.get_by_role("button", name="Pay €260.00").click()

    expect(page.get_by_role("heading", name="Payment confirmed")).to_be_visible()
    expect(page.get_by_text(re.compile(r"You paid €260\.00 for 40 m of"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Payment reference: "))).to_be_visible()

    page.get_by_role("link", name="View order").click()
    expect(page).to_have_url(re.compile(r"/transactions/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1, name=material["title"])).to_be_visible()
    expect(status_badge(page, "Paid")).to_be_visible()
    details = card(page, "Details")
    expect(details.locator("strong").get_by_text("€260.00")).to_be_visible()
    expect(details.get_by_text("40 m", exact=True)).to_be_visible()
    expect(card(page, "Shipping address").get_by_text("Torstraße 101")).to_be_visible()
    # Nothing left to pay or cancel.
    expect(page.get_by_role("button", name=re.compile(r"^Pay "))).to_have_count(0)
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)

    # The orders list shows it as paid as well.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    row = page.get_by_role("row").filter(has_text=material["title"])
    expect(row).to_contain_text("Paid")

    # The stock was taken: 200 - 40 = 160 m left.
    left = api.get(None, f"/api/materials/{material['material_id']}").json()
    assert float(left["quantity"]) == 160


def test_declined_card_is_explained_and_the_order_stays_payable(
    page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(seller, quantity=80, price=4.25)
    login_in_browser(page, base_url, brand)

    page.goto(f"{base_url}/checkout/{material['material_id']}")
    fill_checkout(page, "10")
    page.get_by_label("Payment method").select_option("pm_card_visa_chargeDeclined")
    page.get_by_role("button", name="Pay €42.50").click()

    alert = page.get_by_role("alert").filter(has_text="Payment declined")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("The card was declined by the issuer.")
    expect(alert).to_contain_text("Decline code: generic_decline")
    expect(alert).to_contain_text("Your order is still reserved.")
    expect(page.get_by_role("heading", name="Payment confirmed")).to_have_count(0)

    # The order exists, pending, and can be paid from its page with another card.
    summary = card(page, "Order summary")
    expect(summary.get_by_text("Your material is reserved.")).to_be_visible()
    summary.get_by_role("link", name="View order").click()
    expect(page).to_have_url(re.compile(r"/transactions/[0-9a-f-]{36}$"))
    expect(status_badge(page, "Pending")).to_be_visible()
    pay = card(page, "Pay for this order")
    expect(pay).to_be_visible()
    expect(page.get_by_role("button", name="Cancel order")).to_be_visible()

    pay.get_by_label("Payment method").select_option("pm_card_mastercard")
    pay.get_by_role("button", name="Pay €42.50").click()
    expect(page.get_by_text("Payment confirmed. The seller will ship your order.")).to_be_visible()
    expect(status_badge(page, "Paid")).to_be_visible()
    expect(page.get_by_role("heading", name="Pay for this order")).to_have_count(0)


def test_seller_ships_and_buyer_confirms_receipt(
    page: Page, other_page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(seller, quantity=60, price=3)
    order = api.buy(brand, material["material_id"], 12)
    order_url = f"{base_url}/transactions/{order['transaction_id']}"

    # The seller finds the paid order among its sales and ships it with a tracking number.
    seller_page = other_page
    login_in_browser(seller_page, base_url, seller)
    seller_page.goto(f"{base_url}/transactions?role=seller")
    seller_page.get_by_role("link", name=material["title"]).click()
    expect(seller_page).to_have_url(order_url)
    expect(status_badge(seller_page, "Paid")).to_be_visible()
    ship = card(seller_page, "Ship this order")
    ship.get_by_label("Tracking number (optional)").fill("1Z999AA10123456784")
    ship.get_by_role("button", name="Mark as shipped").click()
    expect(status_badge(seller_page, "Shipped")).to_be_visible()
    expect(card(seller_page, "Delivery").get_by_text("1Z999AA10123456784")).to_be_visible()
    expect(seller_page.get_by_role("heading", name="Ship this order")).to_have_count(0)

    # The buyer sees it on the way and confirms receipt, which completes the order.
    login_in_browser(page, base_url, brand)
    page.goto(order_url)
    expect(status_badge(page, "Shipped")).to_be_visible()
    expect(card(page, "Delivery").get_by_text("1Z999AA10123456784")).to_be_visible()
    page.get_by_role("button", name="Confirm receipt").click()
    # It asks first: completing the order pays the seller.
    page.get_by_role("dialog", name="Confirm you received the goods?").get_by_role(
        "button", name="Yes, I received them"
    ).click()
    expect(status_badge(page, "Completed")).to_be_visible()
    history = card(page, "Status history")
    for step in ("Pending", "Paid", "Shipped", "Completed"):
        expect(history.get_by_text(step, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Confirm receipt")).to_have_count(0)
