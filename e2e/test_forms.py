"""Journey: a manufacturer fills in the listing form. Leaving with unsaved edits asks first,
and a quantity typed with the locale's digit grouping ("1,250") is read as the number meant."""

import re
import uuid

from playwright.sync_api import Dialog, Page, expect

from e2e.conftest import Api, login_in_browser


def test_leaving_the_listing_form_asks_and_grouped_numbers_count(
    page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    login_in_browser(page, base_url, seller)
    nav = page.get_by_role("navigation", name="Main")

    # Without edits, leaving asks nothing.
    page.goto(f"{base_url}/materials/new")
    expect(page.get_by_role("heading", name="List a material")).to_be_visible()
    prompts: list[str] = []
    answers: list[bool] = []

    def answer(dialog: Dialog) -> None:
        assert dialog.type == "confirm"
        prompts.append(dialog.message)
        if answers.pop(0):
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    nav.get_by_role("link", name="Materials").click()
    expect(page).to_have_url(re.compile(r"/materials$"))
    assert prompts == []

    # With edits, it asks; "Cancel" stays with the edits kept.
    page.go_back()
    expect(page.get_by_role("heading", name="List a material")).to_be_visible()
    title = f"Grouped quantity twill {uuid.uuid4().hex[:6]}"
    page.get_by_label("Title").fill(title)
    answers.append(False)
    with page.expect_event("dialog"):
        nav.get_by_role("link", name="Materials").click()
    expect(page.get_by_label("Title")).to_have_value(title)
    expect(page).to_have_url(re.compile(r"/materials/new$"))
    assert len(prompts) == 1
    assert "not been saved" in prompts[0]

    # A quantity of "1,250" (en-GB grouping) is 1250; publishing leaves without asking.
    page.get_by_label("Material type").select_option("organic_cotton")
    page.get_by_label("Quantity available").fill("1,250")
    page.get_by_label("Weight per unit (kg)").fill("0.2")
    page.get_by_label("Price per unit").fill("2.75")
    page.get_by_role("button", name="Publish listing").click()
    expect(page).to_have_url(re.compile(r"/materials/[0-9a-f-]{36}$"))
    expect(page.get_by_text("1,250 m available")).to_be_visible()
    material_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert float(api.get(None, f"/api/materials/{material_id}").json()["quantity"]) == 1250

    # Edited again and left with "OK": the edit is discarded, the page changes.
    assert len(prompts) == 1
    page.get_by_role("link", name="Edit listing").click()
    page.get_by_label("Title").fill(title + " (edited)")
    answers.append(True)
    with page.expect_event("dialog"):
        nav.get_by_role("link", name="Materials").click()
    expect(page).to_have_url(re.compile(r"/materials$"))
    assert len(prompts) == 2
    stored = api.get(None, f"/api/materials/{material_id}").json()
    assert stored["title"] == title
