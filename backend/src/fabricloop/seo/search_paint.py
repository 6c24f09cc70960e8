"""The first paint of the search page (/materials): the web app's MaterialsPage with the first
page of results the search API returns for the URL's parameters, so that a phone paints the
first result's photo with the HTML rather than after the scripts, then the search request.

The web app reads its search from the URL (components/materials/searchParams.ts
toMaterialQuery); `page_query` does the same here, so the data sent with the page (seed_script)
sits under the very query key the page will ask for, and the web app makes no second request.
The markup is the page's own (MaterialsPage, MaterialCard and the components they use, the same
classes), so the finished page replaces it in the same boxes. Everything is escaped."""

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from fabricloop.core.vocabulary import UNITS
from fabricloop.seo.first_paint import BADGE, BRAND, NEUTRAL, humanize, skeleton, text

# searchParams.ts: SORTS, PAGE_SIZE, FILTER_KEYS (its UNITS are the vocabulary's).
SORTS = (
    ("relevance", "Best match"),
    ("newest", "Newest"),
    ("price_asc", "Price: low to high"),
    ("price_desc", "Price: high to low"),
)
PAGE_SIZE = 12
FILTER_KEYS = (
    "material_type",
    "source_type",
    "min_price",
    "max_price",
    "quantity",
    "currency",
    "origin_country",
    "certification",
    "unit",
    "sample_available",
    "verified_only",
    "min_width_cm",
    "max_width_cm",
    "min_weight_gsm",
    "max_weight_gsm",
    "color",
)
# What String.prototype.trim and Number() strip: WhiteSpace and LineTerminator.
_JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RADIX = re.compile(r"0(?:([xX])[0-9a-fA-F]+|([oO])[0-7]+|([bB])[01]+)")
_CURRENCY = re.compile(r"[A-Z]{3}")

Query = dict[str, Any]
Params = list[tuple[str, str]]


def _first(params: Params, key: str) -> str | None:
    return next((v for k, v in params if k == key), None)


def _all(params: Params, key: str) -> list[str]:
    return [v for k, v in params if k == key]


def _trim(value: str | None) -> str | None:
    return None if value is None else value.strip(_JS_SPACE)


def _js_number(raw: str) -> float | None:
    """Number(text) when it is finite (searchParams.ts `num`), else None."""
    value = raw.strip(_JS_SPACE)
    if value == "":
        return None
    if _DECIMAL.fullmatch(value):
        number = float(value)
    elif match := _RADIX.fullmatch(value):
        base = 16 if match.group(1) else 8 if match.group(2) else 2
        number = float(int(value[2:], base))
    else:
        return None
    return number if math.isfinite(number) else None


def _json_number(number: float) -> int | float:
    """The number as JavaScript holds it (1.0 is 1)."""
    return int(number) if number.is_integer() else number


def display_currencies(fx: dict[str, Any]) -> list[str]:
    """searchParams.ts displayCurrencies: the base and every currency with a rate, sorted."""
    rates = fx.get("rates") or []
    if not rates:
        return []
    return sorted({fx["base"], *(r["currency"] for r in rates)})


def page_query(params: Params, available: list[str]) -> Query:
    """searchParams.ts toMaterialQuery(params, null, available): the search the page asks the
    API for, its query key (materialKeys.search) in the same JSON. `available`: the display
    currencies of the rates the page is sent with; no display currency remembered (a browser's
    own choice, which the server cannot know)."""
    q: Query = {}
    display = _first(params, "display_currency")
    if display and display not in available:
        display = None
    if display and _CURRENCY.fullmatch(display):
        q["display_currency"] = display
    if words := _trim(_first(params, "q")):
        q["q"] = words
    if types := [v for v in _all(params, "material_type") if v]:
        q["material_type"] = types
    if source := _trim(_first(params, "source_type")):
        q["source_type"] = source
    for key in ("currency", "origin_country", "certification"):
        if value := _trim(_first(params, key)):
            q[key] = value
    for key in ("min_price", "max_price", "quantity"):
        raw = _first(params, key)
        number = None if raw is None else _js_number(raw)
        if number is not None:
            q[key] = _json_number(number)
    for key in ("sample_available", "verified_only"):
        if _first(params, key) == "true":
            q[key] = True
    unit = _first(params, "unit")
    if unit and unit in UNITS:
        q["unit"] = unit
    for key in ("min_width_cm", "max_width_cm", "min_weight_gsm", "max_weight_gsm"):
        raw = _first(params, key)
        number = None if raw is None else _js_number(raw)
        if number is not None and number > 0:
            q[key] = _json_number(number)
    if color := _trim(_first(params, "color")):
        q["color"] = color
    sort = _first(params, "sort")
    if sort and sort in dict(SORTS):
        q["sort"] = sort
    raw_page = _first(params, "page")
    page = None if raw_page is None else _js_number(raw_page)
    q["page"] = math.floor(page) if page and page >= 1 else 1
    q["limit"] = PAGE_SIZE
    return q


def api_values(query: Query) -> dict[str, object]:
    """The query parameters the web app sends for `query` (openapi-fetch: a number as its
    text, a list repeated), as values for the search."""
    values: dict[str, object] = {}
    for key, value in query.items():
        if isinstance(value, bool):
            values[key] = "true" if value else "false"
        elif isinstance(value, int | float):
            values[key] = repr(value)
        else:
            values[key] = value
    return values


# lib/format.ts as a browser in en-US formats (the locale Lighthouse and most visitors use).
_SYMBOLS = {
    "EUR": "€",
    "USD": "$",
    "GBP": "£",
    "CNY": "CN¥",
    "INR": "₹",
    "VND": "₫",
    "CAD": "CA$",
    "AUD": "A$",
}
_NO_CENTS = ("VND", "JPY", "KRW")


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, min_places: int, max_places: int) -> str:
    rounded = number.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    figure = f"{abs(rounded):,.{max_places}f}"
    if "." in figure:
        whole, fraction = figure.split(".")
        fraction = fraction.rstrip("0").ljust(min_places, "0")
        figure = f"{whole}.{fraction}" if fraction else whole
    return f"-{figure}" if rounded < 0 else figure


def format_money(amount: object, currency: str) -> str:
    number = _decimal(amount)
    if number is None:
        return "—"
    places = 0 if currency in _NO_CENTS else 2
    figure = _grouped(number, places, places)
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f"{currency}\u00a0{figure}"
    return f"-{symbol}{figure[1:]}" if figure.startswith("-") else f"{symbol}{figure}"


def format_number(value: object, max_places: int) -> str:
    number = _decimal(value)
    return "—" if number is None else _grouped(number, 0, max_places)


def unit_label(unit: str) -> str:
    return "m²" if unit == "m2" else unit


def units_label(unit: str) -> str:
    return f"{unit}s" if unit in ("roll", "piece") else unit_label(unit)


def format_quantity(value: object, unit: str) -> str:
    counted = unit in ("roll", "piece") and _decimal(value) != 1
    return f"{format_number(value, 3)} {unit + 's' if counted else unit_label(unit)}"


def results_label(data: dict[str, Any]) -> str:
    total = int(data["total"])
    if data.get("total_approximate") is True:
        return f"{total:,}+ materials found"
    return f"{total:,} material{'' if total == 1 else 's'} found"


# Classes of the components the page is made of (components/ui, components/materials).
_CONTROL = (
    "block w-full rounded-lg border bg-white px-3 py-2 text-sm text-stone-900 shadow-sm "
    "placeholder:text-stone-400 focus:outline-2 focus:outline-offset-0 disabled:bg-stone-100 "
    "disabled:text-stone-500 border-stone-300 focus:border-brand-600 focus:outline-brand-600/30 "
    "w-auto py-1.5"
)
_PRIMARY = (
    "inline-flex items-center justify-center gap-2 rounded-lg font-medium transition-colors "
    "focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed "
    "disabled:opacity-60 whitespace-nowrap bg-brand-700 text-white shadow-sm hover:bg-brand-800 "
    "focus-visible:outline-brand-700 h-10 px-4 text-sm"
)
_SEARCH_INPUT = (
    "min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-4 text-stone-900 shadow-sm "
    "placeholder:text-stone-400 focus:border-brand-600 focus:outline-2 "
    "focus:outline-brand-600/30 h-10 text-sm"
)
_SKIP = (
    "sr-only focus:not-sr-only focus:mt-2 focus:inline-block focus:rounded-lg focus:bg-white "
    "focus:px-3 focus:py-1.5 focus:text-sm focus:font-medium focus:text-brand-800 focus:shadow"
)
_CHIP = (
    "inline-flex items-center gap-1.5 rounded-full border border-brand-200 bg-brand-50 py-1 "
    "pl-3 pr-2 text-xs font-medium text-brand-800 hover:bg-brand-100"
)
_VERIFIED = (
    '<span class="inline-flex items-center gap-0.5 rounded-full bg-emerald-50 px-1.5 py-px '
    "align-middle text-xs font-medium text-emerald-800 ring-1 ring-inset ring-emerald-200 "
    'shrink-0" title="Verified seller: FabricLoop checked the company&#x27;s registration">'
    '<svg viewBox="0 0 20 20" fill="currentColor" class="size-3.5" aria-hidden="true">'
    '<path fill-rule="evenodd" d="M16.403 12.652a3 3 0 0 0 0-5.304 3 3 0 0 0-3.75-3.751 3 3 0 '
    "0 0-5.305 0 3 3 0 0 0-3.751 3.75 3 3 0 0 0 0 5.305 3 3 0 0 0 3.75 3.751 3 3 0 0 0 5.305 0 "
    "3 3 0 0 0 3.751-3.75Zm-2.546-4.46a.75.75 0 0 0-1.214-.883l-3.483 4.79-1.88-1.88a.75.75 0 1 "
    '0-1.06 1.061l2.5 2.5a.75.75 0 0 0 1.137-.089l4-5.5Z" clip-rule="evenodd"></path></svg>'
    'Verified<span class="sr-only"> seller</span></span>'
)
# MaterialCard's CARD_PHOTO: beside the text on a phone, across the top from `sm` up.
_CARD_PHOTO = "w-28 shrink-0 self-stretch sm:aspect-[4/3] sm:w-full sm:self-auto"
_NO_PHOTO = (
    '<div class="flex items-center justify-center bg-gradient-to-br from-brand-50 to-stone-100 '
    f'text-brand-300 {_CARD_PHOTO}" aria-hidden="true"><svg viewBox="0 0 24 24" '
    'class="size-10" fill="none" stroke="currentColor" stroke-width="1.5"><path d="M4 6c4 0 4 3 '
    '8 3s4-3 8-3M4 12c4 0 4 3 8 3s4-3 8-3M4 18c4 0 4 3 8 3s4-3 8-3" stroke-linecap="round">'
    "</path></svg></div>"
)
_CHIP_LABELS = {
    "min_price": "Price ≥ {}",
    "max_price": "Price ≤ {}",
    "quantity": "At least {} available",
    "origin_country": "From {}",
    "min_width_cm": "Width ≥ {} cm",
    "max_width_cm": "Width ≤ {} cm",
    "min_weight_gsm": "Weight ≥ {} g/m²",
    "max_weight_gsm": "Weight ≤ {} g/m²",
    "color": "Colour: {}",
}


def _chip_label(key: str, value: str) -> str:
    """ActiveFilters' LABELS (a country by its code: the browser's own name for it differs)."""
    if key in ("material_type", "source_type"):
        return humanize(value)
    if key == "unit":
        return f"Sold by {unit_label(value)}"
    if key == "sample_available":
        return "Samples available"
    if key == "verified_only":
        return "Verified sellers"
    if key == "origin_country":
        return f"From {value.upper()}"
    return _CHIP_LABELS.get(key, "{}").format(value)


def _chips(params: Params) -> str:
    chips = [(k, v) for k in FILTER_KEYS for v in _all(params, k) if v]
    if not chips:
        return ""
    items = "".join(
        f'<li><button type="button" class="{_CHIP}" aria-label="Remove filter '
        f'{text(_chip_label(k, v))}">{text(_chip_label(k, v))}'
        '<span aria-hidden="true" class="text-brand-600">\u00d7</span></button></li>'
        for k, v in chips
    )
    return f'<ul class="mb-4 flex flex-wrap gap-2" aria-label="Active filters">{items}</ul>'


def _card(material: dict[str, Any], display_currency: str, priority: bool) -> str:
    """MaterialCard."""
    title = text(material.get("title", ""))
    thumbnail = material.get("thumbnail_url")
    if thumbnail:
        photo = (
            f'<img src="{text(thumbnail)}" alt="{title}" width="400" height="300" '
            f'loading="{"eager" if priority else "lazy"}" '
            f'fetchpriority="{"high" if priority else "auto"}" '
            f'class="bg-stone-100 object-cover {_CARD_PHOTO}"/>'
        )
    else:
        photo = _NO_PHOTO
    seller = material.get("seller") or {}
    origin = material.get("origin_country")
    where = text(seller.get("company_name", "")) + (f" · {text(origin)}" if origin else "")
    verified = _VERIFIED if seller.get("verified") is True else ""
    unit = str(material.get("unit", ""))
    quantity = format_quantity(material.get("quantity"), unit)
    currency = str(material.get("currency", ""))
    shown_in = material.get("display_currency") or display_currency
    converted = ""
    if material.get("display_price") is not None and shown_in and shown_in != currency:
        converted = (
            '<p class="text-xs text-stone-600" data-testid="display-price">≈ '
            f"{text(format_money(material['display_price'], shown_in))} / "
            f"{text(unit_label(unit))}</p>"
        )
    carbon = ""
    if material.get("carbon_footprint") is not None:
        carbon = (
            '<p class="text-right text-xs text-stone-600" title="Carbon footprint, kg CO₂e per '
            'kg"><span class="block font-semibold text-brand-800">'
            f"{text(format_number(material['carbon_footprint'], 2))}</span>kg CO₂e/kg</p>"
        )
    return (
        f'<a href="/materials/{text(material.get("material_id", ""))}" class="group flex '
        "overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm "
        'transition hover:-translate-y-0.5 hover:shadow-md sm:flex-col">'
        f'{photo}<div class="flex min-w-0 flex-1 flex-col gap-1.5 p-3 sm:gap-2 sm:p-4">'
        '<div class="flex flex-wrap gap-1.5">'
        + BADGE.format(BRAND, text(humanize(material.get("material_type"))))
        + BADGE.format(NEUTRAL, text(humanize(material.get("source_type"))))
        + "</div>"
        '<h3 class="line-clamp-2 font-semibold text-stone-900 group-hover:text-brand-800">'
        f"{title}</h3>"
        '<p class="flex min-w-0 items-center gap-1.5 text-sm text-stone-500">'
        f'<span class="truncate">{where}</span>{verified}</p>'
        '<div class="mt-auto flex items-end justify-between gap-2 pt-1 sm:pt-2"><div>'
        '<p class="font-semibold text-stone-900 sm:text-lg">'
        f"{text(format_money(material.get('price'), currency))}"
        f'<span class="text-sm font-normal text-stone-500"> / {text(unit_label(unit))}</span>'
        f"</p>{converted}"
        f'<p class="text-xs text-stone-500">{text(quantity)} available</p></div>'
        f"{carbon}</div></div></a>"
    )


def _mixed_units(materials: list[dict[str, Any]], sort: str) -> str:
    """MixedUnits: the note over a price sort of listings sold in different units."""
    if sort not in ("price_asc", "price_desc"):
        return ""
    units = sorted({str(m.get("unit", "")) for m in materials})
    if len(units) < 2:
        return ""
    names = ", ".join(text(units_label(u)) for u in units)
    buttons = "".join(
        '<button type="button" class="rounded-full border border-amber-300 bg-white px-3 '
        'py-0.5 text-xs font-medium text-amber-900 hover:bg-amber-100">'
        f"Only {text(units_label(u))}</button>"
        for u in units
    )
    return (
        '<div role="note" aria-label="Mixed units" class="mb-4 rounded-xl border '
        'border-amber-200 bg-amber-50 p-3 text-sm text-amber-900"><p>Sorted by price per unit, '
        f"but these results are sold in different units ({names}): their prices don\u2019t "
        "compare. Show one unit only:</p>"
        f'<div class="mt-2 flex flex-wrap gap-2">{buttons}</div></div>'
    )


def _select(options: list[tuple[str, str]], value: str) -> str:
    return (
        f'<select class="{_CONTROL}">'
        + "".join(
            f'<option value="{text(v)}"{" selected" if v == value else ""}>{text(label)}</option>'
            for v, label in options
        )
        + "</select>"
    )


def search_first_paint(
    params: Params, query: Query, data: dict[str, Any], currencies: list[str]
) -> str:
    """MaterialsPage as React renders it with `data` (the search's answer to `query`, the
    query of `params`) and the rates' `currencies`, for a visitor not signed in. The filter
    panel is an outline: the web app fills it in place. Its controls are look-alikes until
    the web app runs (a search typed there is a plain GET of /materials): the outline says
    `aria-disabled`, so assistive technology (and Playwright) wait for the real ones."""
    materials: list[dict[str, Any]] = data.get("materials") or []
    display = data.get("display_currency") or query.get("display_currency") or ""
    sort = query.get("sort") or ("relevance" if query.get("q") else "newest")
    filters = sum(1 for k in FILTER_KEYS if any(_all(params, k)))
    badge = BADGE.format(BRAND, f"{filters} active") if filters else ""
    prices_in = ""
    if currencies:
        options = [("", "Listing currency"), *((c, c) for c in currencies)]
        prices_in = (
            '<label class="flex items-center gap-2 whitespace-nowrap text-sm text-stone-600">'
            f"Prices in{_select(options, query.get('display_currency', ''))}</label>"
        )
    sorts = [(v, label) for v, label in SORTS if v != "relevance" or query.get("q")]
    cards = "".join(_card(m, display, i == 0) for i, m in enumerate(materials))
    return (
        '<div role="status" aria-label="Loading search" aria-disabled="true">'
        '<div class="mb-6 flex flex-wrap items-end justify-between gap-4"><div class="min-w-0">'
        '<h1 class="text-2xl font-semibold tracking-tight text-stone-900 sm:text-3xl">'
        'Browse materials</h1><p class="mt-1 '
        'max-w-2xl text-sm text-stone-600 sm:text-base">Deadstock, surplus and recycled '
        "textiles from verified manufacturers.</p></div></div>"
        '<div class="mb-6 max-w-2xl"><form role="search" action="/materials" class="flex w-full '
        'gap-2"><label for="material-search" class="sr-only">Search materials</label>'
        '<input id="material-search" name="q" type="search" '
        f'value="{text(query.get("q", ""))}" placeholder="Search e.g. organic cotton jersey, '
        f'recycled wool…" class="{_SEARCH_INPUT}"/><button type="submit" class="{_PRIMARY}">'
        f'Search</button></form><a href="#results" class="{_SKIP}">Skip to results</a></div>'
        '<div class="grid gap-8 lg:grid-cols-[16rem_1fr]"><aside>'
        '<details class="group rounded-2xl border border-stone-200 bg-white p-4 lg:hidden">'
        '<summary class="flex cursor-pointer items-center justify-between text-sm font-semibold '
        f'text-stone-900">Filters {badge}</summary></details>'
        '<div class="hidden rounded-2xl border border-stone-200 bg-white p-5 lg:block">'
        f"{skeleton('h-80 rounded-2xl')}</div></aside>"
        '<section id="results" tabindex="-1" aria-labelledby="results-heading" '
        'class="scroll-mt-4 '
        'outline-none"><h2 id="results-heading" class="sr-only">Results</h2>'
        '<div class="mb-4 flex flex-wrap items-center justify-between gap-3">'
        f'<p class="text-sm text-stone-600">{text(results_label(data))}</p>'
        f'<div class="flex flex-wrap items-center gap-3">{prices_in}'
        '<label class="flex items-center gap-2 whitespace-nowrap text-sm text-stone-600">'
        f"Sort by{_select(sorts, sort)}</label></div></div>"
        f"{_chips(params)}{_mixed_units(materials, sort)}"
        f'<div class="grid gap-5 sm:grid-cols-2 xl:grid-cols-3">{cards}</div>'
        "</section></div></div>"
    )
