"""What a crawler and a shared link's preview get: robots.txt, the sitemap of listings on sale
and public passports, and each page's own title, description and Open Graph tags in the HTML
the server sends."""

import html
import json
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import defusedxml.ElementTree
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from fabricloop.config import Settings
from fabricloop.seo import service
from tests.factories import make_material, make_user
from tests.seo.site import BASE, Site, cover_photo, serving

INDEX = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="description" content="The default description." />
    <title>FabricLoop default</title>
    <script type="module" src="/assets/app-1.js"></script>
  </head>
  <body><div id="root"></div></body>
</html>"""
# The build's manifest: the entry (in index.html) and two pages sharing a chunk with it.
MANIFEST = {
    "index.html": {"file": "assets/app-1.js", "isEntry": True, "imports": ["_ui-3.js"]},
    "_ui-3.js": {"file": "assets/ui-3.js"},
    "src/pages/MaterialDetailPage.tsx": {
        "file": "assets/MaterialDetailPage-4.js",
        "imports": ["index.html", "_ui-3.js", "_gallery-5.js"],
        "isDynamicEntry": True,
    },
    "_gallery-5.js": {"file": "assets/gallery-5.js", "imports": ["_ui-3.js"]},
    "src/pages/PassportPage.tsx": {"file": "assets/PassportPage-6.js"},
}
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
async def site(
    settings: Settings,
    migrated: str,  # noqa: ARG001
    tmp_path: Path,
    connection: AsyncConnection,
) -> AsyncIterator[Site]:
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / ".vite").mkdir()
    (tmp_path / ".vite" / "manifest.json").write_text(json.dumps(MANIFEST))
    async with serving(settings, connection, tmp_path) as site:
        yield site


def meta(page: str, attribute: str, name: str) -> list[str]:
    pattern = rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)" />'
    return [html.unescape(value) for value in re.findall(pattern, page)]


def title(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", page)]


def preloads(page: str) -> list[str]:
    return re.findall(
        r'<link rel="preload" as="image" href="([^"]*)" fetchpriority="high"[^>]*/>', page
    )


def modulepreloads(page: str) -> list[str]:
    return re.findall(r'<link rel="modulepreload" crossorigin href="([^"]*)" />', page)


class TestRobots:
    async def test_robots_txt_is_plain_text_with_the_sitemap(self, site: Site) -> None:
        response = await site.http.get("/robots.txt")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        lines = response.text.splitlines()
        assert "User-agent: *" in lines
        assert "Disallow: /api/" in lines
        assert "Disallow: /account" in lines
        assert f"Sitemap: {BASE}/sitemap.xml" in lines
        assert "<html" not in response.text


class TestSitemap:
    async def test_lists_listings_on_sale_and_their_passports(self, site: Site) -> None:
        seller = await make_user(site.session)
        on_sale = await make_material(site.session, seller)
        draft = await make_material(site.session, seller, status="draft")
        sold_out = await make_material(site.session, seller, status="sold_out")
        response = await site.http.get("/sitemap.xml")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/xml")
        root = defusedxml.ElementTree.fromstring(response.content)
        locations = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
        assert f"{BASE}/" in locations
        assert f"{BASE}/materials" in locations
        assert f"{BASE}/materials/{on_sale.id}" in locations
        assert f"{BASE}/passport/{on_sale.id}" in locations
        assert f"{BASE}/login" not in locations
        for hidden in (draft, sold_out):
            assert not [loc for loc in locations if str(hidden.id) in (loc or "")]
        lastmods = root.findall("s:url/s:lastmod", SITEMAP_NS)
        assert lastmods
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", m.text or "") for m in lastmods)


class TestPageHeads:
    async def test_listing_page_previews_the_listing(self, site: Site) -> None:
        seller = await make_user(site.session, company_name="Tessitura <Verde> & Co")
        material = await make_material(
            site.session,
            seller,
            title='Deadstock "linen" twill',
            description="Heavy linen twill. " * 20,
        )
        site.session.add(cover_photo(seller.id, material.id))
        await site.session.flush()
        response = await site.http.get(f"/materials/{material.id}")
        assert response.status_code == 200
        page = response.text
        expected_title = 'Deadstock "linen" twill · Tessitura <Verde> & Co · FabricLoop'
        assert title(page) == [expected_title]
        assert meta(page, "property", "og:title") == [expected_title]
        assert meta(page, "property", "og:type") == ["product"]
        assert meta(page, "property", "og:url") == [f"{BASE}/materials/{material.id}"]
        description = meta(page, "name", "description")
        assert len(description) == 1  # the default one replaced, not repeated
        assert description[0].startswith("Heavy linen twill.")
        assert len(description[0]) <= 160
        image = meta(page, "property", "og:image")
        assert len(image) == 1
        assert image[0].startswith(f"{BASE}/media/")
        assert "cover-thumb" in image[0]
        # The markup stays markup: nothing the seller typed opens a tag.
        assert "<Verde>" not in page
        assert '<script type="module" src="/assets/app-1.js"></script>' in page
        assert 'name="robots"' not in page
        # What the page paints first comes with the HTML: the gallery's first photo. The page
        # is painted from its data, so its code is not preloaded to compete with the photo.
        assert preloads(page) == ["/media/a/cover.webp"]
        # With the photo's srcset and sizes, as the painted <img> has them: one download.
        assert 'imagesrcset="/media/a/cover-thumb.webp 400w, /media/a/cover.webp 800w"' in page
        assert 'id="fl-seed"' in page
        assert modulepreloads(page) == []

    async def test_passport_page(self, site: Site) -> None:
        seller = await make_user(site.session, company_name="Northwind Mills")
        material = await make_material(
            site.session, seller, title="Recycled nylon", status="archived"
        )
        page = (await site.http.get(f"/passport/{material.id}")).text
        assert title(page) == ["Digital Product Passport: Recycled nylon · FabricLoop"]
        assert "Northwind Mills" in meta(page, "property", "og:description")[0]
        assert meta(page, "property", "og:image") == []
        assert meta(page, "name", "twitter:card") == ["summary"]
        assert preloads(page) == [f"/api/passports/{material.id}/qr.svg"]
        assert modulepreloads(page) == ["/assets/PassportPage-6.js"]

    async def test_pages_have_their_own_titles(self, site: Site) -> None:
        titles = {
            path: title((await site.http.get(path)).text)[0]
            for path in ("/", "/materials", "/login")
        }
        assert len(set(titles.values())) == 3
        assert titles["/materials"] == "Browse materials · FabricLoop"

    @pytest.mark.parametrize("path", ["/dashboard", "/account", "/transactions/x", "/checkout/y"])
    async def test_private_pages_are_not_indexed(self, site: Site, path: str) -> None:
        page = (await site.http.get(path)).text
        assert meta(page, "name", "robots") == ["noindex"]

    async def test_hidden_or_unknown_listings_get_the_default_head(self, site: Site) -> None:
        seller = await make_user(site.session)
        draft = await make_material(site.session, seller, title="Secret draft", status="draft")
        for path in (
            f"/materials/{draft.id}",
            f"/passport/{draft.id}",
            f"/materials/{uuid.uuid4()}",
        ):
            page = (await site.http.get(path)).text
            assert "Secret draft" not in page
            assert title(page) == ["FabricLoop"]
            assert meta(page, "name", "robots") == ["noindex"]
            assert preloads(page) == modulepreloads(page) == []

    @pytest.mark.parametrize("path", ["/materials/not-a-uuid", "/passport/1"])
    async def test_malformed_ids_are_the_plain_app(self, site: Site, path: str) -> None:
        response = await site.http.get(path)
        assert response.status_code == 200
        assert title(response.text) == ["FabricLoop default"]

    async def test_a_nul_in_the_path_is_a_404_not_a_500(self, site: Site) -> None:
        response = await site.http.get("/materials/%00")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_the_page_modules_are_the_web_apps() -> None:
    """The modules the server preloads are pages of the web app (as Vite's manifest names them)."""
    frontend = Path(__file__).resolve().parents[3] / "frontend"
    for page in service.PAGE_MODULES:
        assert (frontend / service.page_module(page)).is_file(), page
