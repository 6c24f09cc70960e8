"""The first paint of a listing's, a passport's and the search page, sent by the server in the
HTML: made from the data the API returns for the page (embedded for the web app's query cache,
under the keys the page asks for), with everything a seller typed or a URL says escaped."""

import html
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection

from fabricloop.config import REPO_ROOT, Settings
from fabricloop.fx import service as fx
from fabricloop.seo.first_paint import PHOTO_SIZES, photo_srcset, seed_script
from fabricloop.seo.search_paint import page_query
from tests.factories import make_material, make_user
from tests.seo.site import Site, cover_photo, serving

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
    redis: Redis,  # noqa: ARG001 (emptied: no search cached by an earlier test)
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
    site.session.add(cover_photo(seller.id, material.id))
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
    photo = detail["images"][0]["display_url"]
    assert f'<img src="{photo}" srcset="' in body
    assert ' alt="Deadstock linen twill, photo 1 of 1"' in body
    assert 'fetchpriority="high"' in body


async def test_the_listing_photo_is_painted_at_display_size(site: Site) -> None:
    """The first paint's photo is the display image, with the srcset and sizes the web app
    gives it (lib/photos.ts), so the browser downloads one file for both; the preload too."""
    seller = await make_user(site.session)
    material = await make_material(site.session, seller, title="Melton")
    site.session.add(
        cover_photo(
            seller.id,
            material.id,
            storage_key="a/big.jpg",
            thumbnail_key="a/big-thumb.webp",
            display_key="a/big-display.webp",
            width=2000,
            height=3000,
        )
    )
    await site.session.flush()
    page = (await site.http.get(f"/materials/{material.id}")).text
    srcset = "/media/a/big-thumb.webp 267w, /media/a/big-display.webp 800w, /media/a/big.jpg 2000w"
    assert (
        f'<img src="/media/a/big-display.webp" srcset="{srcset}" sizes="{PHOTO_SIZES}" '
        'alt="Melton, photo 1 of 1" width="800" height="600" fetchpriority="high" '
        'class="aspect-[4/3] w-full object-contain"/>'
    ) in page_of(page)
    assert (
        '<link rel="preload" as="image" href="/media/a/big-display.webp" fetchpriority="high" '
        f'imagesrcset="{srcset}" imagesizes="{PHOTO_SIZES}" />'
    ) in page


# The cases the web app's own test checks photoSrcSet against (lib/photos.test.ts).
PHOTO_CASES = REPO_ROOT / "frontend" / "src" / "lib" / "photos.cases.json"


@pytest.mark.parametrize("case", json.loads(PHOTO_CASES.read_text()), ids=lambda c: c["name"])
def test_the_photo_srcset_is_the_web_apps(case: dict[str, Any]) -> None:
    assert photo_srcset(case["image"]) == case["srcset"]


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


RATES = "Date, USD, GBP, \n04 December 2026, 1.2500, 0.8000, \n"
# The cases the web app's own test checks toMaterialQuery against (searchParams.test.ts).
KEY_CASES = REPO_ROOT / "frontend" / "src" / "components" / "materials" / "searchParams.cases.json"


async def listings(site: Site, *titles: str, company: str = "Northwind Mills") -> list[str]:
    """Listings by one seller, the first with a photo (the newest last)."""
    seller = await make_user(site.session, company_name=company, verified_at=datetime.now(UTC))
    made = []
    for n, title in enumerate(titles):
        material = await make_material(site.session, seller, title=title)
        if n == 0:
            site.session.add(cover_photo(seller.id, material.id))
        made.append(str(material.id))
    await site.session.flush()
    return made


def seed_of(page: str, *key: str) -> dict[str, Any]:
    """The seed entry whose query key starts with `key`."""
    (entry,) = [s for s in seeds(page) if s["key"][: len(key)] == list(key)]  # type: ignore[index]
    return entry


@pytest.mark.parametrize("case", json.loads(KEY_CASES.read_text()), ids=lambda c: c["url"])
def test_the_search_is_read_from_the_url_as_the_web_app_reads_it(case: dict[str, object]) -> None:
    url = case["url"]
    assert isinstance(url, str)
    params = parse_qsl(url, keep_blank_values=True)
    assert page_query(params, case["available"]) == case["key"]  # type: ignore[arg-type]


async def test_the_first_page_of_results_is_painted_with_its_data(site: Site) -> None:
    await fx.import_rates(site.session, RATES)
    made = await listings(site, "Linen twill deadstock", "Linen canvas", "Wool melton")
    query = "q=+linen+&sort=newest&display_currency=USD&material_type=organic_cotton&page=1"
    page = (await site.http.get(f"/materials?{query}")).text
    key = {
        "q": "linen",
        "sort": "newest",
        "display_currency": "USD",
        "material_type": ["organic_cotton"],
        "page": 1,
        "limit": 12,
    }
    # What the page sends the API (openapi-fetch), and the rates it reads the currency list from.
    api = [("material_type", "organic_cotton")] + [
        (k, str(v)) for k, v in key.items() if k != "material_type"
    ]
    search = (await site.http.get(f"/api/materials?{urlencode(api)}")).json()
    rates = (await site.http.get("/api/fx-rates")).json()
    types = (await site.http.get("/api/materials/types")).json()
    assert seeds(page) == [
        {"key": ["fx-rates"], "data": rates},
        {"key": ["materials", "types"], "data": types},
        {"key": ["materials", "search", key], "data": search},
    ]
    assert {m["title"] for m in search["materials"]} == {"Linen canvas", "Linen twill deadstock"}
    body = page_of(page)
    assert ">outline<" not in body
    assert body.count('<a href="/materials/') == 2
    assert f'<a href="/materials/{made[1]}"' in body
    assert f'<a href="/materials/{made[2]}"' not in body
    assert body.count("<img ") == 1  # one of them has a photo
    assert '<input id="material-search" name="q" type="search" value="linen"' in body
    assert ">2 materials found</p>" in body
    assert '<option value="USD" selected>USD</option>' in body
    assert ">Organic cotton<span" in body  # the active filter's chip
    assert "Verified" in body
    assert "€8.50" in body
    assert "≈ $10.63 / kg" in body
    head = page.split("</head>", 1)[0]
    assert "modulepreload" not in head


async def test_the_first_photo_is_fetched_first(site: Site) -> None:
    await listings(site, "Linen twill deadstock")
    page = (await site.http.get("/materials")).text
    seed_search = seed_of(page, "materials", "search")
    assert seed_search["key"] == ["materials", "search", {"page": 1, "limit": 12}]
    photo = seed_search["data"]["materials"][0]["thumbnail_url"]
    assert (
        f'<img src="{photo}" alt="Linen twill deadstock" width="400" height="300" '
        'loading="eager" fetchpriority="high"'
    ) in page_of(page)
    assert f'<link rel="preload" as="image" href="{photo}" fetchpriority="high" />' in page


async def test_what_sellers_and_urls_say_stays_text(site: Site) -> None:
    await listings(site, HOSTILE, company=HOSTILE)
    hostile_url = urlencode([("q", HOSTILE), ("color", HOSTILE)])
    for path in ("/materials", f"/materials?{hostile_url}"):
        page = (await site.http.get(path)).text
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert page.count("</script>") == page.count("<script")
        if path == "/materials":
            body = page_of(page)
            assert html.escape(HOSTILE, quote=True) in body
            search = seed_of(page, "materials", "search")
            assert search["data"]["materials"][0]["title"] == HOSTILE


@pytest.mark.parametrize(
    "query",
    [
        "material_type=silk",  # not a material type
        "source_type=stolen",
        "currency=XXX",
        "certification=made-up",
        "origin_country=ZZ",
        "q=linen%00twill",
        "color=navy%00",
        "min_price=10&max_price=5",
        "q=" + "x" * 201,
        "q=" + "x" * 5000,
        "unit=metre&" + "&".join(["material_type=cotton"] * 500),
        "q=%ff%fe",  # not UTF-8: no match, the shell
    ],
)
async def test_a_search_the_api_refuses_gets_the_app_shell(site: Site, query: str) -> None:
    await listings(site, "Linen twill deadstock")
    response = await site.http.get(f"/materials?{query}")
    assert response.status_code == 200
    assert seeds(response.text) == []
    assert ">outline<" in page_of(response.text)
    assert "<title>Browse materials · FabricLoop</title>" in response.text


async def test_a_search_that_finds_nothing_is_painted_by_the_web_app(site: Site) -> None:
    await listings(site, "Linen twill deadstock")
    page = (await site.http.get("/materials?q=velvet")).text
    assert seeds(page) == []
    assert ">outline<" in page_of(page)


async def test_a_display_currency_without_a_rate_is_left_out_as_the_web_app_does(
    site: Site,
) -> None:
    await listings(site, "Linen twill deadstock")
    page = (await site.http.get("/materials?display_currency=USD")).text
    rates, search = seed_of(page, "fx-rates"), seed_of(page, "materials", "search")
    assert rates["data"]["rates"] == []
    assert search["key"] == ["materials", "search", {"page": 1, "limit": 12}]
    assert "Prices in" not in page_of(page)
