"""Journey: a brand messages a seller from a material page; the seller, signed in elsewhere, sees
it arrive (unread badge, conversation) and replies; the brand's open conversation shows the reply
without a reload (the app polls every few seconds)."""

import re

from playwright.sync_api import Locator, Page, expect

from e2e.conftest import Api, card, login_in_browser


def thread(page: Page) -> Locator:
    """The messages of the open conversation (its live region announces new ones)."""
    return page.locator("[aria-live='polite']").get_by_role("listitem")


# Longer than the app's polling interval (4 s), for what arrives from the other side.
POLLED = 15_000


def test_brand_and_seller_exchange_messages(
    page: Page, other_page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(seller, title="Navy wool flannel remnants")

    seller_page = other_page
    login_in_browser(seller_page, base_url, seller)
    seller_page.goto(f"{base_url}/dashboard")
    messages_link = seller_page.get_by_role("banner").get_by_role(
        "link", name=re.compile(r"^Messages")
    )
    expect(messages_link).to_have_accessible_name("Messages")

    # The brand writes from the material page.
    login_in_browser(page, base_url, brand)
    page.goto(f"{base_url}/materials/{material['material_id']}")
    contact = card(page, "Contact the seller")
    question = "Could you send a cutting of the navy flannel? We need 300 m by March."
    contact.get_by_label(f"Message {seller['company']}").fill(question)
    contact.get_by_role("button", name="Send message").click()
    expect(contact.get_by_text(f"Message sent to {seller['company']}.")).to_be_visible()

    # The seller's header counts it without a reload.
    expect(messages_link).to_have_accessible_name(re.compile(r"\b1 unread"), timeout=POLLED)
    messages_link.click()
    conversations = seller_page.get_by_role("list", name="Conversations")
    conversation = conversations.get_by_role("link", name=re.compile(re.escape(brand["company"])))
    expect(conversation).to_contain_text(question)
    expect(conversation).to_have_accessible_name(re.compile(r"\b1 unread\b"))

    conversation.click()
    expect(seller_page).to_have_url(f"{base_url}/messages/{brand['user_id']}")
    expect(seller_page.get_by_role("heading", name=brand["company"])).to_be_visible()
    received = thread(seller_page).filter(has_text=question)
    expect(received).to_be_visible()
    expect(received.get_by_role("link", name="Re: Navy wool flannel remnants")).to_be_visible()
    # Reading the conversation clears the unread badges.
    expect(messages_link).to_have_accessible_name("Messages", timeout=POLLED)
    expect(conversation).not_to_have_accessible_name(re.compile("unread"), timeout=POLLED)

    # The brand opens the conversation and waits there.
    contact.get_by_role("link", name="Open the conversation").click()
    expect(page).to_have_url(f"{base_url}/messages/{seller['user_id']}")
    expect(thread(page).filter(has_text=question)).to_be_visible()

    reply = "Yes <b>of course</b> — a cutting goes out tomorrow & we can hold 300 m for you."
    composer = seller_page.get_by_role("textbox", name=re.compile(r"message$", re.I))
    composer.fill(reply)
    composer.press("Enter")
    expect(composer).to_have_value("")
    expect(thread(seller_page).filter(has_text=reply)).to_be_visible()

    # The reply arrives on the brand's side by polling, shown as text (never as HTML).
    arrived = thread(page).filter(has_text=reply)
    expect(arrived).to_be_visible(timeout=POLLED)
    expect(arrived.locator("b")).to_have_count(0)
    # The brand had the thread open, so the reply is read: the seller sees "Read" on it.
    expect(thread(seller_page).filter(has_text=reply)).to_contain_text("Read", timeout=POLLED)
