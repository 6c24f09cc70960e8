"""The first paint of a listing's and a passport's page, sent by the server in the HTML: made
from the data the API returns for the page (embedded for the web app's query cache), with
everything a seller typed escaped."""

import html
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from fabricloop.config import Settings
from fabricloop.images.models import Image
from fabricloop.seo.first_paint import seed_script
from tests.factories import make_material, make_user
from tests.seo.site import Site, serving

# index.html as the build writes it: the app shell's page outline, which a first paint replaces.
INDEX = """<!doctype html>
<html lang="en">
  <head>
    <title>FabricLoop default</title>
    <script type="module" src="/assets/app-1.js"></script>
  </head>
  <body>
    <div id="root"><main>
      <!-- The page: the server puts a page's first paint here when it has one. -->
      <div role="status" aria-label="Loading FabricLoop">outline</div>
      <!-- /The page -->
    </main></div>
  </body>
</html>"""
HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'
SEED = re.compile(r'<script type="application/json" id="fl-seed">(.*?)</script>', re.DOTALL)


@pytest.fixture
async def site(
    settings: Settings,
    migrated: str,  # noqa: ARG001
    tmp_path: Path,
    connection: AsyncConnection,
) -> AsyncIterator[Site]:
    (tmp_path / "index.html").write_text(INDEX)
    async with serving(settings, connection, tmp_path) as site:
        yield site


def seeds(page: str) -> list[dict[str, object]]:
    found = SEED.findall(page)
    assert len(found) <= 1
    return json.loads(found[0]) if found else []


def page_of(page: str) -> str:
    """What is inside the root element (the first paint or the outline)."""
    return page.split('<div id="root">', 1)[1].split("</main></div>", 1)[0]


async def listing_with_photo(site: Site, title: str) -> str:
    seller = await make_user(site.session, company_name=HOSTILE)
    material = await make_material(site.session, seller, title=title)
    site.session.add(
        Image(
            owner_id=seller.id,
            material_id=material.id,
            position=0,
            storage_key="a/cover.webp",
            thumbnail_key="a/cover-thumb.webp",
            width=800,
            height=600,
            content_type="image/webp",
            size_bytes=1000,
        )
    )
    await site.session.flush()
    return str(material.id)


async def test_a_listing_page_is_painted_from_the_apis_data(site: Site) -> None:
    material_id = await listing_with_photo(site, "Deadstock linen twill")
    page = (await site.http.get(f"/materials/{material_id}")).text
    detail = (await site.http.get(f"/api/materials/{material_id}")).json()
    # The web app's query cache starts with the API's own answer, under useMaterial's key.
    assert seeds(page) == [{"key": ["materials", "detail", material_id], "data": detail}]
    body = page_of(page)
    assert "outline" not in body
    assert '<span class="text-stone-700">Deadstock linen twill</span>' in body
    photo = detail["images"][0]["url"]
    assert f'<img src="{photo}" alt="Deadstock linen twill, photo 1 of 1"' in body
    assert 'fetchpriority="high"' in body


async def test_a_passport_page_is_painted_from_the_apis_data(site: Site) -> None:
    seller = await make_user(site.session, company_name="Northwind Mills")
    material = await make_material(site.session, seller, title="Recycled nylon")
    page = (await site.http.get(f"/passport/{material.id}")).text
    passport = (await site.http.get(f"/api/passports/{material.id}")).json()
    assert seeds(page) == [{"key": ["passports", str(material.id)], "data": passport}]
    body = page_of(page)
    assert ">Recycled nylon</h1>" in body
    assert f'<img src="/api/passports/{material.id}/qr.svg"' in body
    assert '<strong class="font-medium text-stone-900">Northwind Mills</strong>' in body
    assert ">Organic cotton</span>" in body  # the material type, as the web app words it


async def test_what_a_seller_typed_stays_text(site: Site) -> None:
    material_id = await listing_with_photo(site, HOSTILE)
    for path in (f"/materials/{material_id}", f"/passport/{material_id}"):
        page = (await site.http.get(path)).text
        # No tag a seller typed reaches the page: not in the first paint, not in the data.
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert page.count("</script>") == page.count("<script")
        body = page_of(page)
        assert html.escape(HOSTILE, quote=True) in body
        # The data still reads back as typed.
        (seed,) = seeds(page)
        assert isinstance(seed["data"], dict)
        assert seed["data"]["title"] == HOSTILE


async def test_pages_not_public_have_no_first_paint_or_data(site: Site) -> None:
    seller = await make_user(site.session)
    draft = await make_material(site.session, seller, title="Secret draft", status="draft")
    for path in (f"/materials/{draft.id}", f"/passport/{draft.id}"):
        page = (await site.http.get(path)).text
        assert "Secret draft" not in page
        assert seeds(page) == []
        assert "outline" in page_of(page)


def test_the_seed_cannot_close_its_element() -> None:
    script = seed_script([(["k"], {"t": "</script><!-- \u2028 & >"})])
    inner = SEED.fullmatch(script)
    assert inner is not None
    for character in "<>&\u2028":
        assert character not in inner.group(1)
    assert json.loads(inner.group(1)) == [{"key": ["k"], "data": {"t": "</script><!-- \u2028 & >"}}]
