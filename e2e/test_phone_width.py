"""Every main page fits a phone's width (390 px): nothing makes the page scroll sideways, and the
things a user came for are on the first screens (the material page's "Buy now", an order's next
action)."""

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from e2e.conftest import Api, login_in_browser, overflowing

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def assert_fits(page: Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("main")).to_be_visible()
    wide = overflowing(page)
    assert wide == [], f"{path} is wider than a phone: {wide}"


def test_pages_fit_a_phone(phone: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    long_title = "Extra-long deadstock organic cotton herringbone twill from a cancelled order"
    material = api.create_material(seller, title=long_title)
    order = api.buy(brand, material["material_id"], 10)
    api.post(
        brand,
        "/api/messages",
        json={"recipient_id": seller["user_id"], "content": "Is the herringbone still there?"},
    )
    material_path = f"/materials/{material['material_id']}"

    for path in ("/", "/login", "/register", "/materials", material_path):
        assert_fits(phone, base_url, path)
    assert_fits(phone, base_url, f"/passport/{material['material_id']}")

    login_in_browser(phone, base_url, brand)
    for path in (
        "/dashboard",
        f"/checkout/{material['material_id']}",
        "/transactions",
        f"/transactions/{order['transaction_id']}",
        "/messages",
        f"/messages/{seller['user_id']}",
        "/reports",
        "/account",
    ):
        assert_fits(phone, base_url, path)

    # The reason for visiting comes first: "Buy now" within the first two screens.
    assert_fits(phone, base_url, material_path)
    buy = phone.get_by_role("link", name="Buy now")
    expect(buy).to_be_visible()
    box = buy.bounding_box()
    assert box is not None
    assert box["y"] < 2 * PHONE["height"], "Buy now is buried below the material's details"


def test_seller_pages_fit_a_phone(phone: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(
        seller, title="Very long listing title that would push a dashboard row out of its card"
    )
    api.buy(brand, material["material_id"], 10)
    login_in_browser(phone, base_url, seller)
    for path in (
        "/dashboard",
        "/materials/new",
        f"/materials/{material['material_id']}/edit",
        "/transactions?role=seller",
    ):
        assert_fits(phone, base_url, path)
