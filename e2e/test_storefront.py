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


def test_storefront_shows_what_completed_orders_saved(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer", company="Impact Weavers Lda")
    buyer = api.register("brand")
    material = api.create_material(seller, title="Impact deadstock twill")
    page.goto(f"{base_url}/sellers/{seller['user_id']}")
    expect(page.get_by_text("No completed orders yet")).to_be_visible()
    # 40 m x 0.25 kg = 10 kg bought, paid, shipped and received.
    order = api.buy(buyer, material["material_id"], 40)
    path = f"/api/transactions/{order['transaction_id']}/status"
    assert api.post(seller, path, json={"status": "shipped"}).status_code == 200
    assert api.post(buyer, path, json={"status": "completed"}).status_code == 200
    impact = api.get(None, f"/api/sellers/{seller['user_id']}").json()["impact"]
    assert impact["completed_orders"] == 1
    assert impact["total_quantity_kg"] == 10
    assert impact["total_carbon_saved"] > 0
    page.reload()
    saved = page.get_by_role("region", name="What their materials saved buyers")
    carbon = f"{impact['total_carbon_saved']:,.1f}".removesuffix(".0")
    expect(saved.get_by_text(f"{carbon} kg CO₂e")).to_be_visible()
    expect(saved.get_by_text(re.compile(r"\d[\d,]* L$"))).to_be_visible()
    expect(saved.get_by_text("1 completed order")).to_be_visible()
