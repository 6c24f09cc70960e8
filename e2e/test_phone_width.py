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


def test_search_results_are_dense_on_a_phone(phone: Page, base_url: str, api: Api) -> None:
    """A result card on a phone puts its photo beside the text: a screen holds four results,
    where a card with the photo across the top took most of it."""
    seller = api.register("manufacturer")
    for n in range(5):
        api.create_material(seller, title=f"Dense card herringbone {n}")
    phone.goto(base_url + "/materials?q=dense+card+herringbone")
    cards = phone.locator("main a[href^='/materials/']").filter(has_text="Dense card herringbone")
    expect(cards).to_have_count(5)
    boxes = [cards.nth(n).bounding_box() for n in range(5)]
    first, second = boxes[0], boxes[1]
    assert first is not None
    assert second is not None
    assert first["height"] <= 220, first
    assert second["y"] >= first["y"] + first["height"]  # one column, one card under the other
    photo = cards.first.locator(":scope > *").first.bounding_box()  # a photo, or its stand-in
    assert photo is not None
    assert photo["width"] < first["width"] / 2  # beside the text, not across the card
    # A screen's height of results shows four whole cards (a card 450 px tall showed one).
    screen = first["y"] + PHONE["height"]
    assert len([b for b in boxes if b is not None and b["y"] + b["height"] <= screen]) >= 4, boxes
