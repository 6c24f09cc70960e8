"""The first paint of a material's and a passport's page, written by the server from the data
the API returns for it, so that a phone paints the page's largest element (the photo, the QR
code) and its title with the HTML rather than once the scripts have run. The markup is the
web app's own (MaterialDetailPage's outline and photo, PassportPage's header, the same classes)
with placeholders where the rest will be; the web app starts from the same data (`seed_script`)
and replaces it with the finished page, the photo and the QR code in the same place.

Everything from the data is escaped; the embedded JSON has `<`, `>` and `&` escaped, so no
title can close the script element it sits in."""

import json
from html import escape
from typing import Any

# The web app's placeholder block (components/ui/Skeleton.tsx).
_SKELETON = '<div aria-hidden="true" class="animate-pulse rounded-lg bg-stone-200/60 {}"></div>'
# The badges of components/ui/Badge.tsx.
BADGE = (
    '<span class="inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-xs font-medium '
    'ring-1 ring-inset {}">{}</span>'
)
# buttonClass("secondary" | "ghost", "sm") of components/ui/Button.tsx.
_BUTTON = (
    "inline-flex items-center justify-center gap-2 rounded-lg font-medium transition-colors "
    "focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed "
    "disabled:opacity-60 whitespace-nowrap {} h-8 px-3 text-sm"
)
_SECONDARY = _BUTTON.format(
    "border border-stone-300 bg-white text-stone-800 shadow-sm hover:bg-stone-50 "
    "focus-visible:outline-brand-700"
)
_GHOST = _BUTTON.format("text-stone-700 hover:bg-stone-100 focus-visible:outline-brand-700")
BRAND = "bg-brand-50 text-brand-800 ring-brand-200"
NEUTRAL = "bg-stone-100 text-stone-700 ring-stone-200"
# What the web app reads its query cache's first data from (main.tsx).
SEED_ID = "fl-seed"


def text(value: object) -> str:
    """Escaped for an element's text and an attribute's value."""
    return escape(str(value), quote=True)


def skeleton(classes: str) -> str:
    return _SKELETON.format(classes)


def humanize(value: str | None) -> str:
    """lib/format.ts humanize: underscores to spaces, the first letter upper case."""
    if not value:
        return "—"
    spaced = value.replace("_", " ")
    return spaced[:1].upper() + spaced[1:]


# The photo's slot in MaterialDetailPage (lib/photos.ts PHOTO_SIZES, the same string): the
# page's first column (3/5 beside the buy box from lg, max-w-7xl less padding) or its width.
PHOTO_SIZES = (
    "(min-width: 1280px) 720px, (min-width: 1024px) calc(60vw - 48px), "
    "(min-width: 640px) calc(100vw - 48px), calc(100vw - 32px)"
)
# The variants' longest sides (images/processing.py THUMBNAIL_SIDE, DISPLAY_SIDE).
_VARIANT_SIDES = (("display_url", 1200), ("thumbnail_url", 400))


def photo_srcset(image: dict[str, Any]) -> str | None:
    """lib/photos.ts photoSrcSet: the image's files (thumbnail, display image, original) with
    their widths, smallest first, each file once (a variant not made yet is the original);
    None without the original's size."""
    width, height = image.get("width"), image.get("height")
    if not width or not height:
        return None
    longest = max(width, height)
    widths = {image["url"]: width}
    for field, side in _VARIANT_SIDES:
        url = image.get(field)
        if url and url not in widths:
            # Math.round's half-up, as the web app computes it.
            widths[url] = max(1, int(width * min(1, side / longest) + 0.5))
    return ", ".join(f"{url} {w}w" for url, w in sorted(widths.items(), key=lambda kv: kv[1]))


def photo_sources(image: dict[str, Any]) -> tuple[str, str | None]:
    """The main photo's src (the display image) and srcset, as ImageGallery gives them."""
    return image.get("display_url") or image["url"], photo_srcset(image)


def material_first_paint(detail: dict[str, Any]) -> str:
    """MaterialDetailPage's outline with the breadcrumb's title and the gallery's first photo
    where the page shows them (on a phone the photo comes first)."""
    title = str(detail.get("title", ""))
    images = detail.get("images") or []
    if images:
        src, srcset = photo_sources(images[0])
        sources = f' srcset="{text(srcset)}" sizes="{PHOTO_SIZES}"' if srcset else ""
        photo = (
            '<div class="relative overflow-hidden rounded-2xl border border-stone-200 '
            f'bg-stone-100"><img src="{text(src)}"{sources} '
            f'alt="{text(title)}, photo 1 of {len(images)}" width="800" height="600" '
            'fetchpriority="high" class="aspect-[4/3] w-full object-contain"/></div>'
        )
    else:
        photo = skeleton("aspect-[4/3] w-full rounded-2xl")
    return (
        '<div role="status" aria-label="Loading material" class="space-y-8">'
        '<nav aria-label="Breadcrumb" class="text-sm text-stone-500">'
        '<a href="/materials" class="hover:text-stone-800">Materials</a> / '
        f'<span class="text-stone-700">{text(title)}</span></nav>'
        '<div class="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] lg:gap-8">'
        f'<div class="space-y-6">{photo}{skeleton("hidden h-64 rounded-2xl lg:block")}</div>'
        f'<div class="space-y-6">{skeleton("h-80 rounded-2xl")}'
        f"{skeleton('h-56 rounded-2xl')}</div>"
        "</div></div>"
    )


def passport_first_paint(passport: dict[str, Any]) -> str:
    """PassportPage's header (title, kind, issuer, QR code) and its cards' outline."""
    material_id = text(passport["material_id"])
    public_url = text(passport.get("public_url", ""))
    issuer = (passport.get("issuer") or {}).get("company_name", "")
    badges = BADGE.format(BRAND, text(humanize(passport.get("material_type"))))
    badges += BADGE.format(NEUTRAL, text(humanize(passport.get("source_type"))))
    cards = "".join(skeleton("h-72 rounded-2xl") for _ in range(4))
    return (
        '<div role="status" aria-label="Loading passport" class="space-y-6">'
        '<section class="overflow-hidden rounded-2xl border border-brand-200 bg-gradient-to-br '
        'from-brand-50 to-white"><div class="flex flex-col gap-6 p-6 sm:flex-row sm:items-center '
        'sm:p-8"><div class="min-w-0 flex-1">'
        '<p class="text-sm font-semibold uppercase tracking-wide text-brand-700">'
        "Digital Product Passport</p>"
        '<h1 class="mt-1 text-2xl font-semibold tracking-tight text-stone-900 sm:text-3xl">'
        f"{text(passport.get('title', ''))}</h1>"
        f'<div class="mt-3 flex flex-wrap gap-2">{badges}</div>'
        '<p class="mt-3 text-sm text-stone-600">Issued by '
        f'<strong class="font-medium text-stone-900">{text(issuer)}</strong> · Passport ID '
        f'<span class="font-mono text-xs">{text(passport.get("passport_id", ""))}</span></p>'
        '<div class="mt-4 flex flex-wrap gap-2">'
        f'<a href="/api/passports/{material_id}/untp.json" class="{_SECONDARY}" '
        'type="application/json">Machine-readable (UNTP JSON)</a>'
        f'<a href="/materials/{material_id}" class="{_GHOST}">View listing</a></div>'
        '</div><figure class="shrink-0 self-center text-center">'
        f'<img src="/api/passports/{material_id}/qr.svg" alt="QR code linking to {public_url}" '
        'width="160" height="160" class="size-40 rounded-xl border border-stone-200 bg-white p-2"/>'
        '<figcaption class="mt-1 max-w-40 break-all text-[11px] text-stone-500">'
        f"{public_url}</figcaption></figure></div></section>"
        f'<div class="grid gap-6 lg:grid-cols-2">{cards}</div></div>'
    )


def seed_script(entries: list[tuple[list[Any], Any]]) -> str:
    """The data the page was painted from, as the web app's query cache entries (key, data),
    in a JSON script element that no text in the data can close."""
    payload = json.dumps(
        [{"key": key, "data": data} for key, data in entries],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        payload = payload.replace(raw, escaped)
    return f'<script type="application/json" id="{SEED_ID}">{payload}</script>'
