"""Every page of the web app passes axe-core (WCAG 2.0/2.1 A and AA, plus best practice) with no
violation: as a visitor, a brand, a manufacturer and an operator, on a desktop (1440x900) and a
phone (390x844); and a few states worth a look too: the open phone menu, a form showing its
errors, an open dialog.

axe-core is the pinned frontend devDependency (frontend/node_modules/axe-core, see
docs/decisions/accessibility-axe-core.md). Nothing is excluded: the sandbox payment gateway the
tests run against never loads Stripe's card iframe, the only third-party frame the app embeds.

One browser context per role and width, signed in once; the data the pages show (a listing, its
passport, paid and shipped orders, a dispute, an offer, a conversation, a 3-D Secure challenge, a
listing report) is made through the API first."""

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from e2e.conftest import (
    ROOT,
    SHIPPING_ADDRESS,
    Api,
    create_admin,
    login_in_browser,
    watch_console,
)

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS: dict[str, ViewportSize] = {
    "desktop": {"width": 1440, "height": 900},
    "phone": {"width": 390, "height": 844},
}

PUBLIC = [
    "/",
    "/login",
    "/register",
    "/materials",
    "/materials?q=cotton&material_type=organic_cotton",
    "/materials/{material}",
    "/sellers/{seller}",
    "/methodology",
    "/passport/{material}",
    "/no-such-page",
]
SIGNED_IN = [
    "/dashboard",
    "/account",
    "/account/shipping",
    "/account/company",
    "/account/certificates",
    "/notifications",
    "/messages",
    "/messages/{partner}",
    "/transactions",
    "/transactions/{order}",
    "/transactions/{shipped_order}",
    "/reports",
    "/offers",
    "/offers/{offer}",
    "/payouts",
    "/disputes/{dispute}",
    "/sandbox/onboarding",
]
# Signed in, the landing page, sign-in and registration lead to the dashboard.
SIGNED_IN_PUBLIC = [p for p in PUBLIC if p not in ("/", "/login", "/register")]
PAGES: dict[str, list[str]] = {
    "anonymous": PUBLIC,
    "brand": [
        *SIGNED_IN_PUBLIC,
        *SIGNED_IN,
        "/checkout/{material}",
        "/sandbox/3ds/{payment}",
    ],
    "manufacturer": [
        *SIGNED_IN_PUBLIC,
        *SIGNED_IN,
        "/transactions?role=seller",
        "/materials/new",
        "/materials/{material}/edit",
    ],
    "admin": [
        "/admin",
        "/admin/verifications",
        "/admin/users/{seller}",
        "/admin/reports",
        "/admin/materials/{material}",
        "/admin/certificates",
        "/admin/stats",
        "/admin/disputes",
        "/admin/disputes/{dispute}",
        "/admin/audit",
        "/admin/no-such-page",
    ],
}
CASES = [
    pytest.param(role, width, path, id=f"{role}-{width}-{path}")
    for role, paths in PAGES.items()
    for width in WIDTHS
    for path in paths
]


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is now, one readable line block each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    lines = []
    for violation in result["violations"]:
        targets = [json.dumps(node["target"]) for node in violation["nodes"]]
        summary = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    {violation['helpUrl']}\n"
            f"    targets: {', '.join(targets[:8])}{' …' if len(targets) > 8 else ''}\n"
            f"    first: {summary[:300]}"
        )
    return lines


def assert_accessible(page: Page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: {len(violations)} axe violation(s)\n" + "\n".join(violations)


def settle(page: Page) -> None:
    """Wait until the page has loaded its data: no request in flight, no spinner or skeleton
    ("Loading…"), a heading."""
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("status", name=re.compile("^Loading"))).to_have_count(0)
    expect(page.locator("h1:visible").first).to_be_attached()


@dataclass
class World:
    brand: dict[str, str]
    seller: dict[str, str]
    admin: dict[str, str]
    ids: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def world(base_url: str, api: Api) -> World:
    seller = api.register("manufacturer")
    brand = api.register("brand")
    admin = create_admin(base_url, api)
    material = api.create_material(
        seller,
        quantity=500,
        sample_available=True,
        sample_price=0,
        sample_description="A4 swatch",
    )
    material_id = material["material_id"]
    order = api.buy(brand, material_id, 10)
    shipped = api.buy(brand, material_id, 10)
    disputed = api.buy(brand, material_id, 10)
    for transaction in (shipped, disputed):
        api.post(
            seller,
            f"/api/transactions/{transaction['transaction_id']}/status",
            json={"status": "shipped", "carrier": "dhl", "tracking_number": "JD0146000033"},
        )
    dispute = api.post(
        brand,
        f"/api/transactions/{disputed['transaction_id']}/disputes",
        json={"reason": "damaged", "details": "Two rolls arrived wet."},
    ).json()
    api.post(
        seller,
        f"/api/disputes/{dispute['dispute_id']}/messages",
        json={"content": "Sorry: we will refund one roll."},
    )
    offer = api.post(
        brand,
        "/api/offers",
        json={
            "material_id": material_id,
            "quantity": 50,
            "unit_price": 5,
            "currency": "EUR",
            "message": "Can you do 5.00 for 50 m?",
        },
    ).json()
    api.post(brand, "/api/messages", json={"recipient_id": seller["user_id"], "content": "Hello"})
    api.post(seller, "/api/messages", json={"recipient_id": brand["user_id"], "content": "Hi!"})
    api.post(
        brand,
        f"/api/materials/{material_id}/reports",
        json={"reason": "misleading_metrics", "details": "The water figure looks too low."},
    )
    challenged = api.post(
        brand,
        "/api/transactions",
        json={"material_id": material_id, "quantity": 10, "shipping_address": SHIPPING_ADDRESS},
    ).json()
    payment = api.http.post(
        "/api/payments",
        json={
            "transaction_id": challenged["transaction_id"],
            "payment_method": "pm_card_authenticationRequired",
        },
        headers={
            "Authorization": f"Bearer {brand['token']}",
            "Idempotency-Key": uuid.uuid4().hex,
        },
    )
    assert payment.status_code == 202, payment.text
    common = {
        "material": material_id,
        "seller": seller["user_id"],
        "order": order["transaction_id"],
        "shipped_order": shipped["transaction_id"],
        "dispute": dispute["dispute_id"],
        "offer": offer["offer_id"],
    }
    return World(
        brand=brand,
        seller=seller,
        admin=admin,
        ids={
            "anonymous": common,
            "brand": {
                **common,
                "partner": seller["user_id"],
                "payment": payment.json()["payment_id"],
            },
            "manufacturer": {**common, "partner": brand["user_id"]},
            "admin": common,
        },
    )


class Contexts:
    """One signed-in browser context per (role, width), the latest kept open: the cases run
    grouped by role and width, so each is made and signed in once."""

    def __init__(self, browser: Browser, args: dict[str, Any], base_url: str, world: World):
        self.browser, self.args, self.base_url, self.world = browser, args, base_url, world
        self.key: tuple[str, str] | None = None
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.problems: list[str] = []

    def get(self, role: str, width: str) -> Page:
        if self.key != (role, width) or self.page is None:
            self.close()
            # The app's Content-Security-Policy (script-src 'self') would block the injected axe.
            self.context = self.browser.new_context(
                **self.args, viewport=WIDTHS[width], bypass_csp=True
            )
            self.page = self.context.new_page()
            self.problems = watch_console(self.page)
            user = {
                "brand": self.world.brand,
                "manufacturer": self.world.seller,
                "admin": self.world.admin,
            }.get(role)
            if user:
                login_in_browser(self.page, self.base_url, user)
            self.key = (role, width)
        self.problems.clear()
        return self.page

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        self.context = self.page = None
        self.key = None


@pytest.fixture(scope="module")
def contexts(
    browser: Browser, browser_context_args: dict[str, Any], base_url: str, world: World
) -> Iterator[Contexts]:
    held = Contexts(browser, browser_context_args, base_url, world)
    yield held
    held.close()


@pytest.mark.parametrize(("role", "width", "path"), CASES)
def test_page_has_no_axe_violations(
    contexts: Contexts, base_url: str, world: World, role: str, width: str, path: str
) -> None:
    page = contexts.get(role, width)
    url = base_url + path.format(**world.ids[role])
    page.goto(url)
    settle(page)
    assert page.url.split("?")[0] == url.split("?")[0], f"{path} went to {page.url}"
    assert_accessible(page, f"{path} as {role} at {width}")
    assert not contexts.problems, "\n".join(contexts.problems)


def open_phone_menu(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Open menu")).click()
    expect(page.get_by_role("navigation", name="Mobile")).to_be_visible()


def register_errors(page: Page) -> None:
    page.get_by_role("button", name=re.compile("create account|register|sign up", re.I)).click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()


def new_listing_errors(page: Page) -> None:
    page.get_by_role("button", name=re.compile("publish|create|save", re.I)).first.click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()


def receipt_dialog(page: Page) -> None:
    page.get_by_role("button", name=re.compile("confirm receipt", re.I)).click()
    expect(page.get_by_role("alertdialog").or_(page.get_by_role("dialog"))).to_be_visible()


def offer_errors(page: Page) -> None:
    page.get_by_role("button", name="Make an offer").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()


def offer_dialog(page: Page) -> None:
    page.get_by_label("Quantity (m)").fill("50")
    page.get_by_role("button", name="Make an offer").click()
    expect(page.get_by_role("dialog", name="Make an offer")).to_be_visible()


def report_problem_dialog(page: Page) -> None:
    page.get_by_role("button", name="Report a problem").click()
    dialog = page.get_by_role("dialog", name="Report a problem")
    dialog.get_by_role("button", name="Report problem").click()
    expect(dialog.get_by_text("Describe the problem.")).to_be_visible()


STATES: list[tuple[str, str, str, str, Callable[[Page], None]]] = [
    ("phone-menu", "anonymous", "phone", "/", open_phone_menu),
    ("phone-menu", "brand", "phone", "/dashboard", open_phone_menu),
    ("phone-menu", "manufacturer", "phone", "/dashboard", open_phone_menu),
    ("register-errors", "anonymous", "desktop", "/register", register_errors),
    ("listing-errors", "manufacturer", "desktop", "/materials/new", new_listing_errors),
    ("confirm-receipt", "brand", "desktop", "/transactions/{shipped_order}", receipt_dialog),
    ("offer-errors", "brand", "phone", "/materials/{material}", offer_errors),
    ("offer-dialog", "brand", "phone", "/materials/{material}", offer_dialog),
    ("problem-errors", "brand", "desktop", "/transactions/{shipped_order}", report_problem_dialog),
]


@pytest.mark.parametrize(
    ("state", "role", "width", "path", "action"),
    [pytest.param(*s, id=f"{s[0]}-{s[1]}-{s[2]}") for s in STATES],
)
def test_state_has_no_axe_violations(
    contexts: Contexts,
    base_url: str,
    world: World,
    state: str,
    role: str,
    width: str,
    path: str,
    action: Callable[[Page], None],
) -> None:
    page = contexts.get(role, width)
    page.goto(base_url + path.format(**world.ids[role]))
    settle(page)
    action(page)
    assert_accessible(page, f"{state} on {path} as {role} at {width}")
    assert not contexts.problems, "\n".join(contexts.problems)
