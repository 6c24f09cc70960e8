"""Journey: a listing's and a passport's page arrive painted (the server's first paint, made
from the API's data and sent with it), and the web app takes over from that data: no second
request for it and no placeholder in between; a hostile title stays text throughout."""

from playwright.sync_api import Page, expect

from e2e.conftest import Api

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
