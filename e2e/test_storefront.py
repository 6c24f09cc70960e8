"""Journey: a visitor follows a listing's seller to the seller's storefront, which shows the
company and its live listings, and never a suspended or unknown seller."""

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Api


def test_visitor_opens_the_sellers_storefront(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer", company="Storefront Weavers Lda")
    first = api.create_material(seller, title="Storefront organic twill")
    api.create_material(seller, title="Storefront recycled denim")
    page.goto(f"{base_url}/materials/{first['material_id']}")
    page.get_by_role("link", name="Storefront Weavers Lda").click()
    expect(page).to_have_url(f"{base_url}/sellers/{seller['user_id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Storefront Weavers Lda")
    expect(page.get_by_text(re.compile("2 listings on sale"))).to_be_visible()
    listings = page.get_by_role("list").filter(has_text="Storefront organic twill")
    expect(listings.get_by_role("listitem")).to_have_count(2)
    listings.get_by_role("link", name=re.compile("Storefront recycled denim")).click()
    expect(page.get_by_role("heading", level=1, name="Storefront recycled denim")).to_be_visible()


def test_unknown_seller_is_not_found(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/sellers/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_role("heading", name=re.compile("not found", re.I))).to_be_visible()
