"""`make screenshots`: every page of the app at desktop (1440x900) and phone (390x844) width.

Starts `fabricloop serve` with the demo marketplace on a fresh database (as the browser tests
start theirs), signs in as a demo manufacturer and a demo brand in Chromium, and saves full-page
PNGs under screenshots/<width>/. Also writes screenshots/report.txt: for each page, the console
errors seen and any horizontal overflow (elements wider than the viewport), the two problems a
picture shows least reliably."""

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Api,
    login_in_browser,
    overflowing,
    serving,
    watch_console,
)

OUT = ROOT / "screenshots"
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1440, "height": 900},
    "phone": {"width": 390, "height": 844},
}
# Demo logins (backend/src/fabricloop/demo/catalogue.py; password Demo-Passw0rd).
MANUFACTURER = {"email": "mill@tessituraverde.demo", "company": "Tessitura Verde S.r.l."}
BRAND = {"email": "sourcing@northwind.demo", "company": "Northwind Apparel"}

SETTLED_JS = """() => [...document.images].every(i => i.complete)
  && !document.querySelector('[aria-busy="true"], .animate-pulse, .animate-spin')"""


@dataclass
class Shot:
    name: str
    path: str
    role: str  # "anonymous", "manufacturer" or "brand"
    prepare: Callable[[Page], None] | None = None


@dataclass
class Findings:
    lines: list[str] = field(default_factory=list)

    def add(self, viewport: str, shot: str, problem: str) -> None:
        self.lines.append(f"[{viewport}] {shot}: {problem}")


def discover(api: Api) -> dict[str, str]:
    """Ids of demo records that give each page content."""
    maker = api.login(MANUFACTURER["email"], MANUFACTURER["company"])
    brand = api.login(BRAND["email"], BRAND["company"])
    ids: dict[str, str] = {}
    own = api.get(None, "/api/materials", params={"seller_id": maker["user_id"], "limit": 20})
    own_materials = own.json()["materials"]
    ids["own_material"] = next(
        (m["material_id"] for m in own_materials if m["thumbnail_url"]),
        own_materials[0]["material_id"],
    )
    catalogue = api.get(None, "/api/materials", params={"limit": 50}).json()["materials"]
    for_sale = [m for m in catalogue if m["seller"]["user_id"] != brand["user_id"]]
    ids["material"] = next(m["material_id"] for m in for_sale if m["thumbnail_url"])
    purchases = api.get(brand, "/api/transactions", params={"role": "buyer", "limit": 50})
    by_status = {t["status"]: t["transaction_id"] for t in purchases.json()["transactions"]}
    ids["transaction"] = by_status.get("shipped") or next(iter(by_status.values()))
    ids["pending_transaction"] = by_status.get("pending", ids["transaction"])
    conversations = api.get(brand, "/api/messages/conversations").json()["conversations"]
    ids["conversation"] = conversations[0]["user_id"]
    ids["maker_conversation"] = api.get(maker, "/api/messages/conversations").json()[
        "conversations"
    ][0]["user_id"]
    return ids


def checkout_declined(page: Page) -> None:
    """Fill the checkout and pay with a card that is declined: the decline state."""
    page.get_by_label("Quantity").first.fill("5")
    page.get_by_label("Recipient name").fill("Lena Hoffmann")
    page.get_by_label("Address line 1").fill("Torstraße 101")
    page.get_by_label("City").fill("Berlin")
    page.get_by_label("Postal code").fill("10119")
    page.get_by_label("Country").fill("DE")
    page.get_by_label("Payment method").select_option("pm_card_visa_chargeDeclined")
    page.get_by_role("button", name="Pay", exact=False).last.click()
    expect(page.get_by_role("alert").filter(has_text="declined")).to_be_visible()


def listing_errors(page: Page) -> None:
    page.get_by_role("button", name="Publish listing").click()
    expect(page.get_by_text("Please fix the highlighted fields.")).to_be_visible()


def open_filters(page: Page) -> None:
    summary = page.locator("summary").filter(has_text="Filters")
    if summary.is_visible():
        summary.click()


def shots(ids: dict[str, str]) -> list[Shot]:
    m, own = ids["material"], ids["own_material"]
    return [
        Shot("01-landing", "/", "anonymous"),
        Shot("02-login", "/login", "anonymous"),
        Shot("03-register", "/register", "anonymous"),
        Shot("04-search", "/materials", "anonymous"),
        Shot(
            "05-search-filtered", "/materials?q=cotton&source_type=deadstock", "brand", open_filters
        ),
        Shot("06-search-empty", "/materials?q=zzzznothing", "anonymous"),
        Shot("07-material-anonymous", f"/materials/{m}", "anonymous"),
        Shot("08-material-brand", f"/materials/{m}", "brand"),
        Shot("09-material-owner", f"/materials/{own}", "manufacturer"),
        Shot("10-passport-public", f"/passport/{m}", "anonymous"),
        Shot("11-dashboard-manufacturer", "/dashboard", "manufacturer"),
        Shot("12-dashboard-brand", "/dashboard", "brand"),
        Shot("13-listing-new", "/materials/new", "manufacturer"),
        Shot("14-listing-new-errors", "/materials/new", "manufacturer", listing_errors),
        Shot("15-listing-edit", f"/materials/{own}/edit", "manufacturer"),
        Shot("16-checkout", f"/checkout/{m}", "brand"),
        Shot("17-checkout-declined", f"/checkout/{m}", "brand", checkout_declined),
        Shot("18-orders-brand", "/transactions", "brand"),
        Shot("19-orders-manufacturer", "/transactions?role=seller", "manufacturer"),
        Shot("20-order-detail", f"/transactions/{ids['transaction']}", "brand"),
        Shot("21-order-pending", f"/transactions/{ids['pending_transaction']}", "brand"),
        Shot("22-messages", "/messages", "brand"),
        Shot("23-thread-brand", f"/messages/{ids['conversation']}", "brand"),
        Shot("24-thread-manufacturer", f"/messages/{ids['maker_conversation']}", "manufacturer"),
        Shot("25-reports", "/reports", "brand"),
        Shot("26-account", "/account", "brand"),
        Shot("27-not-found", "/no-such-page", "anonymous"),
        Shot("28-login-redirect", "/reports", "anonymous"),
    ]


SCROLL_THROUGH_JS = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
    window.scrollTo(0, y);
    await new Promise(r => setTimeout(r, 50));
  }
  window.scrollTo(0, 0);
}"""


def settle(page: Page) -> None:
    """Wait until the page has loaded its data and images (no spinner, no skeleton); scroll
    through it first so that lazy images below the fold load for the full-page picture."""
    page.wait_for_load_state("networkidle")
    page.evaluate(SCROLL_THROUGH_JS)
    try:
        page.wait_for_function(SETTLED_JS, timeout=10_000)
    except PlaywrightTimeoutError:  # a page that never settles is still worth a picture
        print(f"  (still loading after 10 s: {page.url})", file=sys.stderr)
    page.evaluate("document.fonts.ready")


def capture(
    browser: Browser, base_url: str, ids: dict[str, str], only: set[str], findings: Findings
) -> int:
    count = 0
    for viewport, size in VIEWPORTS.items():
        (OUT / viewport).mkdir(parents=True, exist_ok=True)
        contexts: dict[str, BrowserContext] = {}
        try:
            for role, user in (
                ("manufacturer", MANUFACTURER),
                ("brand", BRAND),
                ("anonymous", None),
            ):
                context = browser.new_context(
                    viewport=size,
                    locale="en-GB",
                    timezone_id="UTC",
                    device_scale_factor=1,
                    is_mobile=viewport == "phone",
                    has_touch=viewport == "phone",
                )
                if user:
                    login_page = context.new_page()
                    login_in_browser(login_page, base_url, user)
                    login_page.close()
                contexts[role] = context
            for shot in shots(ids):
                if only and shot.name not in only and shot.name.split("-", 1)[1] not in only:
                    continue
                page = contexts[shot.role].new_page()
                problems = watch_console(page)
                page.goto(base_url + shot.path)
                settle(page)
                if shot.prepare:
                    shot.prepare(page)
                    settle(page)
                for line in overflowing(page):
                    findings.add(viewport, shot.name, f"horizontal overflow: {line}")
                for problem in problems:
                    findings.add(viewport, shot.name, problem)
                page.evaluate("window.scrollTo(0, 0)")  # else a sticky header lands mid-page
                target = OUT / viewport / f"{shot.name}.png"
                page.screenshot(path=str(target), full_page=True, animations="disabled")
                page.close()
                count += 1
                print(f"  {viewport:<7} {shot.name}")
        finally:
            for context in contexts.values():
                context.close()
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="shot names to take (default: all)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print("Starting the server with the demo marketplace (a fresh database)...")
    with serving("screens", seed=True, timeout=600) as base_url:
        api = Api(base_url)
        ids = discover(api)
        findings = Findings()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                count = capture(browser, base_url, ids, set(args.only), findings)
            finally:
                browser.close()
    report = OUT / "report.txt"
    report.write_text("\n".join(findings.lines) + ("\n" if findings.lines else ""))
    print(f"{count} screenshots in {OUT} ({time.monotonic() - started:.0f} s)")
    if findings.lines:
        print(f"{len(findings.lines)} problems, listed in {report}:")
        for line in findings.lines:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
