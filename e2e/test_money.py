"""Journey: a brand pays with a card that needs 3-D Secure: checkout sends it to the sandbox
bank's challenge, the brand approves, and the order shows as paid."""

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Api, card, login_in_browser
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


def _pdf_download(page: Page, name: str | re.Pattern[str]) -> bytes:
    """Click a download button and return the file it saves."""
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    path = info.value.path()
    assert info.value.suggested_filename.endswith(".pdf")
    with open(path, "rb") as file:
        return file.read()


def test_seller_refunds_part_and_both_see_it(
    page: Page, other_page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(seller, quantity=100, price=6.5)
    order = api.buy(brand, material["material_id"], 20)  # 20 m x 6.50 = 130.00, paid
    order_url = f"{base_url}/transactions/{order['transaction_id']}"

    login_in_browser(page, base_url, seller)
    page.goto(order_url)
    money = card(page, "Payment and documents")
    # 5% commission: 6.50 to the platform, 123.50 to the seller, held until completion.
    expect(money).to_contain_text("€6.50")
    expect(money).to_contain_text("€123.50")
    expect(money).to_contain_text("Held until the order completes")

    # The dialog closes on Escape without refunding anything.
    page.get_by_role("button", name="Refund…").click()
    dialog = page.get_by_role("dialog", name="Refund the buyer")
    expect(dialog.get_by_label(re.compile(r"^Amount"))).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.get_by_role("button", name="Refund…").click()
    dialog.get_by_label(re.compile(r"^Amount")).fill("130.01")
    dialog.get_by_role("button", name="Refund", exact=True).click()
    expect(dialog.get_by_text("At most €130.00 is left to refund.")).to_be_visible()
    expect(dialog.get_by_text("Give a reason (the buyer sees it).")).to_be_visible()
    dialog.get_by_label(re.compile(r"^Amount")).fill("30")
    dialog.get_by_label("Reason").fill("Two metres stained at the selvedge")
    dialog.get_by_role("button", name="Refund", exact=True).click()
    expect(page.get_by_text("Refunded €30.00 to the buyer.")).to_be_visible()
    expect(dialog).to_be_hidden()
    refunds = page.get_by_role("list", name="Refunds")
    expect(refunds).to_contain_text("Two metres stained at the selvedge")
    # 130 - 30 = 100 left; the fee shrinks pro rata (5% of 100) and the payout with it.
    expect(card(page, "Refund the buyer")).to_contain_text("€100.00 is left to refund")
    expect(money).to_contain_text("€95.00")
    credit_note = _pdf_download(page, "Download credit note 1 (PDF)")
    assert credit_note.startswith(b"%PDF")

    # The buyer sees the refund and downloads the invoice, but not the seller's figures.
    login_in_browser(other_page, base_url, brand)
    other_page.goto(order_url)
    buyer_money = card(other_page, "Payment and documents")
    expect(buyer_money.locator("strong").get_by_text("€30.00")).to_be_visible()
    expect(buyer_money).not_to_contain_text("Platform fee")
    expect(buyer_money).not_to_contain_text("Your payout")
    expect(other_page.get_by_role("list", name="Refunds")).to_contain_text("Two metres stained")
    expect(other_page.get_by_role("button", name="Refund…")).to_have_count(0)
    assert _pdf_download(other_page, "Download invoice (PDF)").startswith(b"%PDF")
    detail = api.get(brand, f"/api/transactions/{order['transaction_id']}").json()
    assert detail["refunded_amount"] == 30


def test_buyer_disputes_and_both_write_in_the_thread(
    page: Page, other_page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    material = api.create_material(seller, quantity=100, price=6.5)
    order = api.buy(brand, material["material_id"], 10)
    api.post(
        seller, f"/api/transactions/{order['transaction_id']}/status", json={"status": "shipped"}
    )
    order_url = f"{base_url}/transactions/{order['transaction_id']}"

    login_in_browser(page, base_url, brand)
    page.goto(order_url)
    page.get_by_role("button", name="Report a problem").click()
    dialog = page.get_by_role("dialog", name="Report a problem")
    dialog.get_by_role("button", name="Report problem").click()
    expect(dialog.get_by_text("Choose what went wrong.")).to_be_visible()
    expect(dialog.get_by_text("Describe the problem.")).to_be_visible()
    dialog.get_by_label("What went wrong?").select_option("damaged")
    dialog.get_by_label("Details").fill("Two rolls arrived wet; photos to follow.")
    dialog.get_by_role("button", name="Report problem").click()

    expect(page).to_have_url(re.compile(r"/disputes/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1, name="Arrived damaged")).to_be_visible()
    expect(page.get_by_text("Open: the seller's payment is held")).to_be_visible()
    page.get_by_label("Your message").fill("Photos: both rolls have water marks 📷")
    page.get_by_role("button", name="Send message").click()
    thread = page.get_by_role("list", name="Messages")
    expect(thread.get_by_role("listitem")).to_have_count(1)
    expect(thread).to_contain_text("water marks")

    # The seller finds it from the order, sees the payout held, and answers.
    login_in_browser(other_page, base_url, seller)
    other_page.goto(order_url)
    expect(card(other_page, "Payment and documents")).to_contain_text(
        "Held until the order completes"
    )
    other_page.get_by_role("list", name="Disputes").get_by_role(
        "link", name="Arrived damaged"
    ).click()
    other_page.get_by_label("Your message").fill("Sorry: we will refund one roll.")
    other_page.get_by_role("button", name="Send message").click()
    expect(other_page.get_by_role("list", name="Messages").get_by_role("listitem")).to_have_count(2)

    page.reload()
    expect(thread.get_by_role("listitem")).to_have_count(2)
    expect(thread).to_contain_text("Seller")
    expect(thread).to_contain_text("we will refund one roll")
