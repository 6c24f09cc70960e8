"""GS1 Digital Link: the passport's URI (`/01/{GTIN-14}[/10/{lot}]`), its RFC 9264 linkset,
content negotiation between a person's browser and a machine, and the page a browser gets."""

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from fabricloop.core.gs1 import gtin14
from fabricloop.core.vocabulary import plain
from fabricloop.passports.schemas import PassportOut

GS1_VOC = "https://gs1.org/voc/"
HTML = "text/html"
JSON_LD = "application/ld+json"
JSON = "application/json"
LINKSET = "application/linkset+json"
OFFERS = (HTML, JSON_LD, JSON, LINKSET)


def digital_link(base_url: str, gtin: str, lot_code: str | None = None) -> str:
    link = f"{base_url.rstrip('/')}/01/{gtin14(gtin)}"
    return f"{link}/10/{quote(lot_code, safe='')}" if lot_code else link


@dataclass(frozen=True)
class Target:
    href: str
    title: str
    media_type: str


def targets(view: PassportOut, credential_url: str) -> dict[str, list[Target]]:
    """The link types of a passport and where each leads (GS1 Web Vocabulary link types)."""
    page = Target(view.public_url, f"Digital Product Passport: {view.title}", HTML)
    return {
        "dpp": [
            Target(view.untp_url, "UNTP Digital Product Passport (JSON-LD)", JSON_LD),
            Target(credential_url, "UNTP Digital Product Passport, signed", "application/vc+jwt"),
            page,
        ],
        "sustainabilityInfo": [
            Target(f"{view.public_url}#impact", "Impact and how it was measured", HTML)
        ],
        "certificationInfo": [Target(f"{view.public_url}#certifications", "Certifications", HTML)],
        "defaultLink": [page],
    }


def linkset(anchor: str, links: dict[str, list[Target]]) -> dict[str, object]:
    """An RFC 9264 linkset (JSON) whose relation types are GS1 Web Vocabulary IRIs."""
    context: dict[str, object] = {"anchor": anchor}
    for link_type, items in links.items():
        context[GS1_VOC + link_type] = [
            {"href": t.href, "title": t.title, "type": t.media_type} for t in items
        ]
    return {"linkset": [context]}


def link_type_target(link_type: str, links: dict[str, list[Target]]) -> Target | None:
    """The first target of `gs1:dpp` (or its full IRI); None for an unknown type."""
    for prefix in ("gs1:", GS1_VOC):
        if link_type.startswith(prefix):
            items = links.get(link_type.removeprefix(prefix))
            return items[0] if items else None
    return None


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for field in fields[1:]:
            if field.startswith("q="):
                try:
                    quality = float(field[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((fields[0].lower(), quality))
    return ranges


def negotiate(accept: str | None) -> str:
    """The offered media type the Accept header prefers: the highest quality, then the most
    specific match, then the order of OFFERS (HTML first: */* is a browser)."""
    ranges = _ranges(accept or "*/*") or [("*/*", 1.0)]
    best: tuple[float, int, int] = (0.0, -1, 0)
    chosen = HTML
    for order, offer in enumerate(OFFERS):
        kind = offer.split("/")[0]
        for media_range, quality in ranges:
            if media_range == offer:
                specificity = 2
            elif media_range == f"{kind}/*":
                specificity = 1
            elif media_range == "*/*":
                specificity = 0
            else:
                continue
            score = (quality, specificity, -order)
            if quality > 0 and score > best:
                best, chosen = score, offer
    return chosen


# The scanned page stands alone (no web app behind it): a small, readable style of its own.
PAGE_STYLE = (
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1c1917;background:#fafaf9}"
    "main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem}"
    "h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}"
    "main>p:first-of-type{margin:0 0 1rem;color:#15803d;font-weight:600}"
    "table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e7e5e4}"
    "th,td{padding:.5rem .75rem;text-align:left;vertical-align:top;"
    "border-bottom:1px solid #e7e5e4}"
    "th{width:40%;font-weight:500;color:#57534e}"
    "a{color:#166534;font-weight:600}"
)


def html_page(
    view: PassportOut, anchor: str, recycled_content: float | None, lot_code: str | None = None
) -> str:
    """A plain page for a person who scanned the code: what the material is, from where, and
    the links to the full passport and its machine-readable forms."""
    e = escape
    rows = [("Material", plain(view.material_type)), ("Source", plain(view.source_type))]
    if lot_code:
        rows.insert(0, ("Lot", lot_code))
    if view.origin:
        rows.append(("Made in", view.origin))
    if view.composition:
        rows.append(
            (
                "Composition",
                ", ".join(f"{c.percent.normalize():f}% {plain(c.fibre)}" for c in view.composition),
            )
        )
    if recycled_content is not None:
        rows.append(("Recycled content", f"{round(recycled_content * 100)}%"))
    if view.certifications:
        rows.append(
            (
                "Certifications",
                ", ".join(
                    f"{c.scheme} ({'verified' if c.verified else 'self-declared'})"
                    for c in view.certifications
                ),
            )
        )
    rows.append(("Issued for", view.issuer.company_name))
    table = "\n".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(view.title)}: Digital Product Passport</title>
<link rel="alternate" type="{JSON_LD}" href="{e(view.untp_url)}">
<link rel="linkset" type="{LINKSET}" href="{e(anchor)}?linkType=linkset">
<style>{PAGE_STYLE}</style>
</head>
<body>
<main>
<h1>{e(view.title)}</h1>
<p>Digital Product Passport</p>
<table>
{table}
</table>
<p><a href="{e(view.public_url)}">Open the full passport</a></p>
<p><a href="{e(view.untp_url)}">Machine-readable passport (UNTP JSON-LD)</a></p>
</main>
</body>
</html>
"""
