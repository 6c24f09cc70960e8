"""Journey: a listing's and a passport's page arrive painted (the server's first paint, made
from the API's data and sent with it), and the web app takes over from that data: no second
request for it and no placeholder in between; a hostile title stays text throughout."""

import uuid

from playwright.sync_api import Page, expect

from e2e.conftest import Api
from e2e.test_listing import swatch_png

HOSTILE = '</script><img src=x onerror="window.__hacked=1">Linen & <b>twill</b>'
# Every loading placeholder (role=status, aria-label "Loading …") added to the page once the
# parser has finished, i.e. by the web app: a placeholder after the first paint is a flash.
WATCH = """
window.__placeholders = [];
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) {
      if (node.nodeType !== 1) continue;
      for (const el of [node, ...node.querySelectorAll("[role=status]")]) {
        const label = el.getAttribute("aria-label") || "";
        if (el.getAttribute("role") === "status" && label.startsWith("Loading")) {
          window.__placeholders.push(label);
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
});
"""


def test_pages_take_over_the_servers_first_paint(page: Page, base_url: str, api: Api) -> None:
    seller = api.register("manufacturer")
    material = api.create_material(seller, title=HOSTILE)
    material_id = material["material_id"]
    page.add_init_script(WATCH)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path, data, heading in (
        (f"/materials/{material_id}", f"/api/materials/{material_id}", HOSTILE),
        (f"/passport/{material_id}", f"/api/passports/{material_id}", HOSTILE),
    ):
        response = page.request.get(f"{base_url}{path}")
        # The server's HTML has the page (its title as text) and the data, before any script.
        served = response.text()
        assert 'id="fl-seed"' in served
        assert "<img src=x" not in served
        requested.clear()
        page.goto(f"{base_url}{path}")
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__placeholders") == []
        assert [url for url in requested if url.endswith(data)] == []
        assert page.evaluate("window.__hacked") is None


# Layout shifts as Lighthouse counts them (none after an input).
SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  }
}).observe({ type: "layout-shift", buffered: true });
"""


def test_the_search_page_takes_over_its_first_paint(page: Page, base_url: str, api: Api) -> None:
    token = uuid.uuid4().hex[:10]
    seller = api.register("manufacturer")
    photo = api.post(
        seller, "/api/images", files={"file": ("swatch.png", swatch_png(), "image/png")}
    ).json()
    api.create_material(seller, title=f"Linen {token} canvas")
    api.create_material(seller, title=f"Linen {token} twill", images=[photo["image_id"]])
    # A search as a shared link has it: its filters in the URL, text to trim, an unknown key.
    path = f"/materials?q=+{token}+&material_type=organic_cotton&sort=newest&page=1&utm=x"
    served = page.request.get(f"{base_url}{path}").text()
    assert 'id="fl-seed"' in served
    assert f"Linen {token} twill</h3>" in served
    assert 'loading="eager" fetchpriority="high"' in served

    page.set_viewport_size({"width": 412, "height": 823})  # Lighthouse's phone
    page.add_init_script(WATCH)
    page.add_init_script(SHIFTS)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base_url}{path}")
    # The web app has replaced the server's paint (its wrapper says "Loading search").
    expect(page.get_by_role("status", name="Loading search")).to_have_count(0)
    results = page.locator("#results")
    expect(results.get_by_role("heading", level=3)).to_have_text(
        [f"Linen {token} twill", f"Linen {token} canvas"]
    )
    expect(results.get_by_role("img", name=f"Linen {token} twill")).to_have_attribute(
        "fetchpriority", "high"
    )
    page.wait_for_load_state("networkidle")
    # The search and the rates came with the page: no request for them, no placeholder, and
    # the web app's cards took the painted cards' places (no layout shift).
    assert [u for u in requested if "/api/materials?" in u or "/api/fx-rates" in u] == []
    assert page.evaluate("window.__placeholders") == []
    assert page.evaluate("window.__shifts") == []
