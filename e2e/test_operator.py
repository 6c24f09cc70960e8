"""Journeys of the marketplace operator (an admin made by `fabricloop create-admin`): checking a
seller's company and certificate so that buyers see them verified, and settling a dispute."""

import io
import re
import uuid

from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from e2e.conftest import Api, create_admin, login_in_browser


def certificate_pdf() -> bytes:
    """A one-page PDF, as a scanned certificate would be."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def confirm(page: Page, button: str) -> None:
    """Confirm the open dialog with its button, and wait for it to close."""
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_role("button", name=button).click()
    expect(dialog).to_be_hidden()


def operator_section(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Operator").get_by_role("link", name=name).click()


def test_operator_verifies_a_seller_and_approves_a_certificate(
    page: Page, other_page: Page, base_url: str, api: Api
) -> None:
    operator = create_admin(base_url, api)
    seller = api.register("manufacturer")
    material = api.create_material(seller, certifications=[])
    number = f"CU-{uuid.uuid4().hex[:6].upper()}"

    # The seller gives the company's legal details and uploads a GOTS certificate.
    login_in_browser(other_page, base_url, seller)
    other_page.goto(f"{base_url}/account/company")
    other_page.get_by_label("Legal name").fill(f"{seller['company']} Lda")
    other_page.get_by_label("Country of registration").select_option("PT")
    other_page.get_by_label("Registration number").fill("PT-507123456")
    vat = other_page.get_by_label("VAT number (optional)")
    vat.fill("DE123456789")
    other_page.get_by_label("Registered address").fill("Rua do Almada 12, 4050-036 Porto")
    other_page.get_by_role("button", name="Save company details").click()
    expect(other_page.get_by_text("This is not a Portugal VAT number")).to_be_visible()
    expect(vat).to_be_focused()
    vat.fill("PT 507 123 450")
    other_page.get_by_role("button", name="Save company details").click()
    expect(other_page.get_by_text("Saved. The operator will check your details.")).to_be_visible()

    other_page.goto(f"{base_url}/account/certificates")
    other_page.get_by_label("Scheme").select_option("GOTS")
    other_page.get_by_label("Certificate number").fill(number)
    other_page.get_by_label("Issuing body").fill("Control Union")
    other_page.get_by_label("Valid from").fill("2025-01-01")
    other_page.get_by_label("Valid until").fill("2030-12-31")
    other_page.get_by_label("Certificate document").set_input_files(
        {"name": "gots.pdf", "mimeType": "application/pdf", "buffer": certificate_pdf()}
    )
    other_page.get_by_role("button", name="Submit for review").click()
    mine = other_page.get_by_role("heading", name=f"GOTS {number}")
    expect(mine).to_be_visible()
    expect(other_page.get_by_text("Pending review")).to_be_visible()

    # ...and references it in the listing's certifications.
    other_page.goto(f"{base_url}/materials/{material['material_id']}/edit")
    picker = other_page.get_by_label("Reference a certificate on file")
    picker.select_option(picker.locator("option", has_text=number).get_attribute("value"))
    other_page.get_by_role("button", name="Add reference").click()
    other_page.get_by_role("button", name="Save changes").click()
    expect(other_page).to_have_url(re.compile(rf"/materials/{material['material_id']}$"))
    expect(other_page.get_by_text("Self-declared")).to_be_visible()

    # The operator verifies the company from the verification queue.
    login_in_browser(page, base_url, operator)
    page.goto(f"{base_url}/admin")
    operator_section(page, "Verifications")
    page.get_by_role("link", name=seller["company"]).click()
    expect(page.get_by_role("heading", level=1, name=seller["company"])).to_be_visible()
    expect(page.get_by_text("PT507123450")).to_be_visible()
    page.get_by_role("button", name="Verify company").click()
    confirm(page, "Verify")
    expect(page.get_by_text("Verified", exact=True).first).to_be_visible()

    # ...and approves the certificate after checking its document.
    operator_section(page, "Certificates")
    review = page.get_by_role("region", name=f"Certificate GOTS {number}")
    expect(review.get_by_text(seller["company"])).to_be_visible()
    review.get_by_role("button", name=re.compile("^Approve")).click()
    confirm(page, "Approve certificate")
    expect(page.get_by_text(f"GOTS {number} approved.")).to_be_visible()

    # Anyone now sees a verified seller and a verified certification on the listing.
    other_page.goto(f"{base_url}/materials/{material['material_id']}")
    badge = re.compile("^Verified seller: ")  # not the search page's "Verified sellers only"
    expect(other_page.get_by_title(badge)).to_be_visible()
    expect(other_page.get_by_text("Verified by FabricLoop")).to_be_visible()
    other_page.goto(f"{base_url}/materials?q={material['title']}")
    expect(other_page.get_by_title(badge).first).to_be_visible()

    # Both actions are in the audit log, with who did them.
    operator_section(page, "Audit log")
    expect(page.get_by_text("user.verify")).to_be_visible()
    expect(page.get_by_text("certificate.approve")).to_be_visible()

    # The date range is checked before it filters: an inverted one is refused, one that ended
    # before today hides today's actions, and an open one shows them again.
    page.get_by_label("From", exact=True).fill("2026-05-02")
    page.get_by_label("To", exact=True).fill("2026-05-01")
    page.get_by_role("button", name="Apply dates").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The start date must be on or before the end date."
    )
    page.get_by_label("From", exact=True).fill("2020-01-01")
    page.get_by_label("To", exact=True).fill("2020-01-31")
    page.get_by_role("button", name="Apply dates").click()
    expect(page).to_have_url(re.compile(r"start_date=2020-01-01.*end_date=2020-01-31"))
    expect(page.get_by_text("No actions recorded")).to_be_visible()
    page.get_by_label("From", exact=True).fill("")
    page.get_by_label("To", exact=True).fill("")
    page.get_by_role("button", name="Apply dates").click()
    expect(page.get_by_text("certificate.approve")).to_be_visible()


def test_operator_resolves_a_dispute_with_a_partial_refund(
    page: Page, base_url: str, api: Api
) -> None:
    operator = create_admin(base_url, api)
    seller = api.register("manufacturer")
    buyer = api.register("brand")
    material = api.create_material(seller, quantity=40, price=4)
    order = api.buy(buyer, material["material_id"], 10)  # EUR 40.00
    order_id = order["transaction_id"]
    api.post(
        seller,
        f"/api/transactions/{order_id}/status",
        json={"status": "shipped", "carrier": "dhl", "tracking_number": "JD0146000033"},
    )
    api.post(
        buyer,
        f"/api/transactions/{order_id}/disputes",
        json={"reason": "damaged", "details": "Two of the ten metres arrived with water stains."},
    )

    login_in_browser(page, base_url, operator)
    page.goto(f"{base_url}/admin/disputes")
    page.get_by_role("link", name=re.compile(rf"Damaged.*{order_id[:8]}")).click()
    expect(page.get_by_text("Two of the ten metres arrived with water stains.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=re.compile(material["title"]))).to_be_visible()
    ledger = page.get_by_role("region", name="Ledger entries")
    expect(ledger.get_by_role("row")).to_have_count(3)  # header, charge, fee
    expect(ledger.get_by_role("row", name=re.compile("Buyer charged.*€40.00"))).to_be_visible()
    expect(page.get_by_text("Balanced", exact=True)).to_be_visible()

    page.get_by_label("Partial refund").check()
    amount = page.get_by_label("Refund amount (EUR)")
    amount.fill("40")
    page.get_by_role("button", name="Resolve dispute…").click()
    expect(page.get_by_text("A partial refund is less than what is left to refund")).to_be_visible()
    amount.fill("8.50")
    page.get_by_role("button", name="Resolve dispute…").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Refund €8.50 to the buyer")
    confirm(page, "Confirm resolution")

    expect(page.get_by_text("The dispute is resolved")).to_be_visible()
    expect(page.get_by_text("Partial refund", exact=True)).to_be_visible()
    expect(page.get_by_text("€8.50").first).to_be_visible()
    # The refund and the lower fee it brings are in the ledger, which still balances.
    expect(ledger.get_by_role("row", name=re.compile("Refund to buyer.*€8.50"))).to_be_visible()
    expect(page.get_by_text("Balanced", exact=True)).to_be_visible()

    seen_by_buyer = api.get(buyer, f"/api/transactions/{order_id}").json()
    assert seen_by_buyer["refunded_amount"] == 8.5
