"""On a phone the menu button shows the unread count while the menu is closed, and Escape closes
the open menu, returning focus to the button."""

from playwright.sync_api import Page, expect

from e2e.conftest import Api, login_in_browser


def test_phone_menu_shows_unread_and_closes_on_escape(page: Page, base_url: str, api: Api) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    seller = api.register("manufacturer")
    brand = api.register("brand")
    api.post(brand, "/api/messages", json={"recipient_id": seller["user_id"], "content": "Hello"})
    login_in_browser(page, base_url, seller)

    toggle = page.get_by_role("button", name="Open menu, 1 unread message")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    menu = page.get_by_role("navigation", name="Mobile")
    expect(menu.get_by_role("link", name="Messages")).to_be_visible()
    close = page.get_by_role("button", name="Close menu")
    expect(close).to_have_attribute("aria-expanded", "true")

    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(toggle).to_be_focused()
