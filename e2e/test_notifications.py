"""Journey: a seller signed in on a phone sees a brand's message arrive under the bell at once
(pushed over the live event stream, well before any poll), opens the notification centre,
follows the notification to the conversation, and turns one kind of email off."""

import re

from playwright.sync_api import Page, ViewportSize, expect

from e2e.conftest import Api, login_in_browser

PHONE: ViewportSize = {"width": 390, "height": 844}
# The bell polls every 16 s without the stream; pushed events must arrive well before that.
PUSHED = 6_000


def test_bell_notifications_and_settings(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    page.set_viewport_size(PHONE)
    login_in_browser(page, base_url, seller)
    page.goto(f"{base_url}/dashboard")
    bell = page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_be_visible()
    expect(bell).to_have_accessible_name("Notifications")
    # Wait until the page's live stream is open, then the brand writes.
    expect(bell).to_have_attribute("data-live", "on")
    api.post(
        brand,
        "/api/messages",
        json={"recipient_id": seller["user_id"], "content": "Do you still have the navy twill?"},
    )
    expect(bell).to_have_accessible_name("Notifications, 1 unread", timeout=PUSHED)
    expect(bell.get_by_test_id("notification-count")).to_have_text("1")

    bell.click()
    expect(page).to_have_url(f"{base_url}/notifications")
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    item = page.get_by_role(
        "button", name=re.compile(f"New message from {re.escape(brand['company'])}")
    )
    expect(item).to_contain_text("Do you still have the navy twill?")
    expect(item).to_contain_text("(unread)")
    item.click()
    expect(page).to_have_url(f"{base_url}/messages/{brand['user_id']}")
    expect(bell).to_have_accessible_name("Notifications")

    page.goto(f"{base_url}/account")
    messages_email = page.get_by_role("checkbox", name="Message received")
    expect(messages_email).to_be_checked()
    messages_email.click()  # saved first, then shown unchecked (a controlled checkbox)
    expect(messages_email).not_to_be_checked()
    page.reload()
    expect(page.get_by_role("checkbox", name="Message received")).not_to_be_checked()
    settings = api.get(seller, "/api/account/notification-settings").json()
    assert settings["email"]["message_received"] is False
    assert settings["email"]["order_paid"] is True
