"""Journey: a brand with paid purchases opens its sustainability report (totals, Scope 3 beside
the avoided emissions, tables) and exports it as CSV and as PDF."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from e2e.conftest import Api, card, login_in_browser


def test_brand_views_and_exports_its_sustainability_report(
    page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    cotton = api.create_material(  # 40 m x 0.25 kg = 10 kg at 2.1 kg CO2e/kg
        seller, title="Organic cotton twill for the report", quantity=100, kg_per_unit=0.25
    )
    wool = api.create_material(  # 20 kg at 1.2 kg CO2e/kg
        seller,
        title="Recycled wool melton for the report",
        material_type="recycled_wool",
        unit="kg",
        kg_per_unit=None,
        quantity=50,
        sustainability_metrics={
            "carbon_footprint": 1.2,
            "water_usage": 40,
            "chemical_composition": [],
        },
    )
    api.buy(brand, cotton["material_id"], 40)
    api.buy(brand, wool["material_id"], 20)
    # Neither an unpaid order nor a declined payment counts.
    api.buy(brand, cotton["material_id"], 5, payment_method=None)
    report = api.get(brand, "/api/reports/sustainability").json()
    assert report["materials_purchased"] == 2
    assert Decimal(str(report["total_quantity_kg"])) == 30
    assert Decimal(str(report["scope3_emissions"])) == Decimal("45")  # 10 x 2.1 + 20 x 1.2
    carbon_saved = Decimal(str(report["total_carbon_saved"]))
    water_saved = Decimal(str(report["total_water_saved"]))
    assert carbon_saved > 0
    assert water_saved > 0

    login_in_browser(page, base_url, brand)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page).to_have_url(f"{base_url}/reports")
    expect(page.get_by_role("heading", level=1, name="Sustainability report")).to_be_visible()

    totals = page.locator("dl").filter(has_text="Materials purchased")
    expect(stat(totals, "Materials purchased")).to_have_text("2")
    expect(totals.get_by_text("30 kg in total")).to_be_visible()
    expect(stat(totals, "Scope 3 emissions")).to_have_text("45 kg CO₂e")
    expect(stat(totals, "Carbon saved")).to_have_text(f"{grouped(carbon_saved, 1)} kg CO₂e")
    expect(stat(totals, "Water saved")).to_have_text(f"{grouped(water_saved, 0)} L")
    expect(totals.get_by_text(re.compile("not netted"))).to_be_visible()

    this_month = datetime.now(UTC).strftime("%Y-%m")
    expect(card(page, "Monthly Scope 3 emissions").locator("svg").first).to_be_visible()
    by_type = card(page, "By material type")
    expect(by_type.get_by_role("row", name=re.compile("Organic cotton"))).to_contain_text("10 kg")
    expect(by_type.get_by_role("row", name=re.compile("Recycled wool"))).to_contain_text("20 kg")
    expect(card(page, "By month").get_by_role("row").filter(has_text="45 kg CO₂e")).to_have_count(1)
    expect(card(page, "Methodology")).to_be_visible()
    # Each purchase in plain words, with where its Scope 3 figure comes from.
    expect(card(page, "Where the Scope 3 figure comes from")).to_contain_text("of Scope 3")
    purchases = card(page, "Your purchases")
    expect(purchases.get_by_text("recycled wool", exact=True)).to_be_visible()
    expect(purchases.get_by_role("row")).to_have_count(3)

    # CSV: a file named for the period, holding the same figures.
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Export CSV").click()
    download = csv_download.value
    expected_name = f"fabricloop-sustainability-{report['start_date']}_{report['end_date']}.csv"
    assert download.suggested_filename == expected_name
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    summary = {row[0]: row[1] for row in rows if len(row) >= 2}
    assert summary["company"] == brand["company"]
    assert int(summary["materials_purchased"]) == 2
    assert Decimal(summary["total_quantity_kg"]) == 30
    assert Decimal(summary["scope3_emissions"]) == 45
    assert Decimal(summary["total_carbon_saved"]) == carbon_saved
    titles = {row[2] for row in rows if len(row) > 2}
    assert {cotton["title"], wool["title"]} <= titles
    assert any(row and row[0] == this_month for row in rows), "no row for this month"

    # PDF
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Export PDF").click()
    download = pdf_download.value
    assert download.suggested_filename == expected_name.replace(".csv", ".pdf")
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000
    expect(page.get_by_text("Export failed")).to_have_count(0)


def stat(totals: Locator, label: str) -> Locator:
    """The value of one summary figure: the first <dd> beside the <dt> `label`."""
    term = totals.page.locator("dt").get_by_text(label, exact=True)
    return totals.locator("div").filter(has=term).locator("dd").first


def grouped(value: Decimal, decimals: int) -> str:
    """A number as the app shows it in en-GB: thousands grouped, trailing zeros dropped."""
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def test_report_without_purchases_says_so(page: Page, base_url: str, api: Api) -> None:
    brand = api.register("brand")
    login_in_browser(page, base_url, brand)
    page.goto(f"{base_url}/reports")
    expect(page.get_by_text("No paid purchases in this period")).to_be_visible()
    # The fields show the default range the report covers: the last 12 months, to today (UTC).
    today = datetime.now(UTC).date()
    expect(page.get_by_label("To")).to_have_value(today.isoformat())
    expect(page.get_by_label("From")).not_to_have_value("")
    page.get_by_label("From").fill("2026-05-01")
    page.get_by_label("To").fill("2026-04-01")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The start date must be on or before the end date."
    )


def test_manufacturer_sees_the_impact_of_what_it_sold(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    cotton = api.create_material(  # 40 m x 0.25 kg = 10 kg at 2.1 kg CO2e/kg
        seller, title="Organic cotton twill sold", quantity=100, kg_per_unit=0.25
    )
    api.buy(brand, cotton["material_id"], 40)
    api.buy(brand, cotton["material_id"], 20)
    api.buy(brand, cotton["material_id"], 5, payment_method=None)  # unpaid: not counted
    sold = api.get(seller, "/api/reports/sustainability", params={"side": "sales"}).json()
    assert (sold["side"], sold["materials_purchased"]) == ("sales", 2)

    login_in_browser(page, base_url, seller)
    page.goto(f"{base_url}/reports")
    expect(page.get_by_role("heading", level=1, name="Impact of your sales")).to_be_visible()
    totals = page.locator("dl").filter(has_text="Orders sold")
    expect(stat(totals, "Orders sold")).to_have_text("2")
    expect(totals.get_by_text("15 kg in total")).to_be_visible()
    expect(stat(totals, "Scope 3 emissions")).to_have_text("31.5 kg CO₂e")
    sales = card(page, "Your sales")
    expect(sales.get_by_role("row")).to_have_count(3)
    expect(sales.get_by_role("columnheader", name="Sold")).to_be_visible()
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Export PDF").click()
    assert pdf_download.value.suggested_filename.startswith("fabricloop-sales-impact-")

    # What the manufacturer bought is the other side of the same page.
    page.get_by_role("link", name="What you bought").click()
    expect(page.get_by_role("heading", level=1, name="Sustainability report")).to_be_visible()
    expect(page.get_by_text("No paid purchases in this period")).to_be_visible()
    expect(page.get_by_role("link", name="What you bought")).to_have_attribute(
        "aria-current", "page"
    )
