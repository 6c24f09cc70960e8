"""Journey: a brand pays with a card that needs 3-D Secure: checkout sends it to the sandbox
bank's challenge, the brand approves, and the order shows as paid."""

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Api, login_in_browser
from e2e.test_purchase import fill_checkout, status_badge


def test_pay_with_three_d_secure(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(seller, quantity=50, price=3.2)
    login_in_browser(page, base_url, brand)

    page.goto(f"{base_url}/checkout/{material['material_id']}")
    fill_checkout(page, "5")
    page.get_by_label("Payment method").select_option("pm_card_authenticationRequired")
    page.get_by_role("button", name="Pay €16.00").click()

    expect(page).to_have_url(re.compile(r"/sandbox/3ds/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="Confirm your payment")).to_be_visible()
    page.get_by_role("button", name="Approve payment").click()

    expect(page).to_have_url(re.compile(r"/transactions/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1, name=material["title"])).to_be_visible()
    expect(status_badge(page, "Paid")).to_be_visible()
