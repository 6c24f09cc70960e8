"""What a crawler and a link preview see: robots.txt, the sitemap, and each public page's
title, description and Open Graph tags in the HTML the server sends (the web app sets the same
title once it runs)."""

import json
import re
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from xml.sax.saxutils import escape

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.cache import Cache
from fabricloop.core.errors import InvalidQuery, NotFound
from fabricloop.core.replica import ReadReplica
from fabricloop.core.spa import PageHead
from fabricloop.fx import service as fx
from fabricloop.materials import service as materials
from fabricloop.passports import service as passports
from fabricloop.seo import repository
from fabricloop.seo.first_paint import (
    PHOTO_SIZES,
    material_first_paint,
    passport_first_paint,
    photo_sources,
    seed_script,
)
from fabricloop.seo.search_paint import (
    Params,
    api_values,
    display_currencies,
    page_query,
    search_first_paint,
)

SessionOpener = Callable[[], AbstractAsyncContextManager[AsyncSession]]
MediaUrl = Callable[[str], str]


@dataclass(frozen=True)
class SearchContext:
    """What the search page's first paint needs besides the cache: the URL's query parameters
    (in order, repeated ones repeated), the read replica and the search's count bound."""

    params: Params
    replica: ReadReplica | None
    count_limit: int


SITE = "FabricLoop"
DEFAULT_DESCRIPTION = (
    "FabricLoop: the B2B marketplace for circular textiles, with Digital Product Passports "
    "and Scope 3 reporting."
)
# The largest sitemap file the protocol allows is 50,000 URLs: each listing has two.
SITEMAP_LISTINGS = 25_000
PUBLIC_STATUSES = ("active", "sold_out")
DESCRIPTION_LENGTH = 160
# A search URL longer than this is painted by the web app alone (no search filters that much).
MAX_SEARCH_QUERY = 2_000

# Pages anyone may open, with the title and description a crawler should see.
STATIC_PAGES: dict[str, tuple[str, str]] = {
    "/": (
        "Surplus and deadstock textiles with a passport",
        "Buy and sell surplus, deadstock and recycled textiles between mills and brands, each "
        "lot with a Digital Product Passport and its CO2e and water figures.",
    ),
    "/materials": (
        "Browse materials",
        "Search deadstock, surplus and recycled fabrics and yarns by fibre, source, origin, "
        "certification and price.",
    ),
    "/methodology": (
        "How impact figures are calculated",
        "The sources and formulas behind FabricLoop's CO2e and water figures per kilogram of "
        "material, and what they leave out.",
    ),
    "/login": ("Log in", "Log in to buy or sell circular textiles on FabricLoop."),
    "/register": (
        "Create an account",
        "Open a free FabricLoop account as a manufacturer selling surplus material or as a "
        "brand buying it.",
    ),
}
# The web app's module of each public page (fetched with the HTML, see core.spa).
PAGE_MODULES = {
    "/": "LandingPage",
    "/materials": "MaterialsPage",
    "/methodology": "MethodologyPage",
    "/login": "LoginPage",
    "/register": "RegisterPage",
    "listing": "MaterialDetailPage",
    "passport": "PassportPage",
}
# Signed-in and transactional pages: never indexed.
PRIVATE_PREFIXES = (
    "/account",
    "/admin",
    "/checkout",
    "/dashboard",
    "/messages",
    "/notifications",
    "/reports",
    "/sandbox",
    "/transactions",
    "/materials/new",
)
LISTING = re.compile(r"^/materials/([0-9a-fA-F-]{36})/?$")
PASSPORT = re.compile(r"^/passport/([0-9a-fA-F-]{36})/?$")


def page_module(page: str) -> str:
    return f"src/pages/{PAGE_MODULES[page]}.tsx"


def robots_txt(base_url: str) -> str:
    lines = ["User-agent: *", "Allow: /", "Disallow: /api/"]
    lines += [f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES]
    lines += ["Disallow: /*/edit", "", f"Sitemap: {base_url}/sitemap.xml", ""]
    return "\n".join(lines)


async def sitemap_xml(session: AsyncSession, base_url: str) -> str:
    """The public pages: the landing, search and methodology pages, then every listing on sale
    and its passport, the most recently changed first."""
    entries = [f"  <url><loc>{escape(base_url + path)}</loc></url>" for path in STATIC_PAGES]
    entries = entries[:3]  # not the login and register pages
    for material_id, updated_at in await repository.active_listings(session, SITEMAP_LISTINGS):
        lastmod = updated_at.date().isoformat()
        for path in (f"/materials/{material_id}", f"/passport/{material_id}"):
            entries.append(
                f"  <url><loc>{escape(base_url + path)}</loc><lastmod>{lastmod}</lastmod></url>"
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(entries)
        + "\n</urlset>\n"
    )


def _summary(text: str) -> str:
    """One line of at most DESCRIPTION_LENGTH characters, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= DESCRIPTION_LENGTH:
        return flat
    return flat[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _material_id(pattern: re.Pattern[str], path: str) -> uuid.UUID | None:
    match = pattern.match(path)
    if match is None:
        return None
    try:
        return uuid.UUID(match.group(1))
    except ValueError:
        return None


async def _anonymous() -> None:
    return None


async def page_head(
    open_session: SessionOpener,
    base_url: str,
    media_url: MediaUrl,
    path: str,
    cache: Cache | None = None,
    search: SearchContext | None = None,
) -> PageHead | None:
    """The head of the page at `path`, or None for the web app's default one. A listing or a
    passport that does not exist (or is not public) gets the default head and noindex: the web
    app then shows its "not found" page. A public listing's and passport's head carries the
    page's first paint and its data, as anyone may see them (the API's answer to an anonymous
    request: the same for everyone, as the page is public)."""
    url = base_url + path
    if path == "/materials" and cache is not None and search is not None:
        painted = await _search_page(open_session, cache, media_url, search)
        if painted is not None:
            body, seed, photo = painted
            title, description = STATIC_PAGES[path]
            return PageHead(
                title=f"{title} · {SITE}",
                description=description,
                url=url,
                # The first result's photo, the largest paint of the page on a phone; no
                # module preloads beside it, as for a listing's page (see page_head below).
                preload_image=photo,
                body=body,
                seed=seed,
            )
    if path in STATIC_PAGES:
        title, description = STATIC_PAGES[path]
        return PageHead(
            title=f"{title} · {SITE}", description=description, url=url, module=page_module(path)
        )
    if path.startswith(PRIVATE_PREFIXES) or path.endswith("/edit"):
        return PageHead(title=SITE, description=DEFAULT_DESCRIPTION, url=url, noindex=True)
    listing_id = _material_id(LISTING, path)
    passport_id = _material_id(PASSPORT, path)
    material_id = listing_id or passport_id
    if material_id is None:
        return None
    data: dict[str, object] | None = None
    async with open_session() as session:
        listing = await repository.listing_summary(session, material_id)
        if listing is not None and cache is not None:
            data = await _page_data(session, cache, base_url, media_url, material_id, listing_id)
    if listing is None:
        return PageHead(title=SITE, description=DEFAULT_DESCRIPTION, url=url, noindex=True)
    image = None
    if listing.thumbnail_key:
        image = media_url(listing.thumbnail_key)
        image = base_url + image if image.startswith("/") else image
    if listing_id is not None:
        if listing.deleted or listing.status not in PUBLIC_STATUSES:
            return PageHead(title=SITE, description=DEFAULT_DESCRIPTION, url=url, noindex=True)
        description = _summary(listing.description) or f"Offered by {listing.seller}."
        photos = (data or {}).get("images")
        # The gallery's first photo as the page paints it (display image, srcset), else the
        # stored image.
        cover, srcset = (
            photo_sources(photos[0])
            if isinstance(photos, list) and photos
            else (media_url(listing.cover_key) if listing.cover_key else None, None)
        )
        return PageHead(
            title=f"{listing.title} · {listing.seller} · {SITE}",
            description=description,
            url=url,
            image=image,
            type="product",
            # The gallery's first photo, the largest paint of the page.
            preload_image=cover,
            preload_srcset=srcset,
            preload_sizes=PHOTO_SIZES if srcset else None,
            # Painted from its data, the page needs no code to show its photo: on a phone the
            # route's modules would share the connection with the photo and delay it (mobile
            # Lighthouse LCP 2.4-2.9 s with them, 2.3-2.4 s without: docs/ux-audit.md).
            module=None if data else page_module("listing"),
            body=material_first_paint(data) if data else None,
            seed=seed_script([(["materials", "detail", str(material_id)], data)]) if data else None,
        )
    if listing.status == "draft":
        return PageHead(title=SITE, description=DEFAULT_DESCRIPTION, url=url, noindex=True)
    return PageHead(
        title=f"Digital Product Passport: {listing.title} · {SITE}",
        description=_summary(
            f"Composition, origin, certifications, supply chain and impact of {listing.title}, "
            f"made available by {listing.seller}."
        ),
        url=url,
        image=image,
        # The QR code, the largest paint of the page on a phone.
        preload_image=f"/api/passports/{material_id}/qr.svg",
        module=page_module("passport"),
        body=passport_first_paint(data) if data else None,
        seed=seed_script([(["passports", str(material_id)], data)]) if data else None,
    )


async def _page_data(
    session: AsyncSession,
    cache: Cache,
    base_url: str,
    media_url: MediaUrl,
    material_id: uuid.UUID,
    listing_id: uuid.UUID | None,
) -> dict[str, object] | None:
    """What the API answers an anonymous request for the listing (listing_id set) or its
    passport with, as JSON values; None when it answers 404."""
    try:
        if listing_id is not None:
            cached = await materials.cached_detail(cache, material_id, None)
            body = cached or await materials.material_detail(
                session, cache, media_url, material_id, _anonymous
            )
            detail: dict[str, object] = json.loads(body)
            return detail
        passport = await passports.get_passport(session, base_url, material_id, None)
        return passport.model_dump(mode="json")
    except NotFound:
        return None


async def _search_page(
    open_session: SessionOpener, cache: Cache, media_url: MediaUrl, search: SearchContext
) -> tuple[str, str, str | None] | None:
    """The search page's first paint, its data (the rates and the search under the web app's
    query keys) and its first photo; None when the web app paints it alone: a search the API
    refuses (an unknown filter value, a NUL, a currency without a rate...) or that finds
    nothing."""
    if sum(len(k) + len(v) + 2 for k, v in search.params) > MAX_SEARCH_QUERY:
        return None
    async with open_session() as session:
        rates = (await fx.latest_rates(session)).model_dump(mode="json")
        query = page_query(search.params, display_currencies(rates))
        try:
            body = await materials.search_listings_json(
                session, search.replica, cache, media_url, api_values(query), search.count_limit
            )
        except InvalidQuery:
            return None
    data = json.loads(body)
    if not data.get("materials"):
        return None
    paint = search_first_paint(search.params, query, data, display_currencies(rates))
    seed = seed_script(
        [
            (["fx-rates"], rates),
            # The filters' vocabulary, so that the filter panel is complete at once too.
            (["materials", "types"], materials.material_types().model_dump(mode="json")),
            (["materials", "search", query], data),
        ]
    )
    return paint, seed, data["materials"][0].get("thumbnail_url")
