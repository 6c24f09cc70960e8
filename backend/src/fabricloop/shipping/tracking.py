"""Carriers a seller may name when shipping, and each known one's public tracking page."""

from typing import Literal
from urllib.parse import quote

Carrier = Literal["dhl", "ups", "fedex", "dpd", "gls", "tnt", "postnl", "other"]
CARRIERS: tuple[str, ...] = Carrier.__args__  # type: ignore[attr-defined]

# {number} is the tracking number, URL-encoded.
_PAGES = {
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}&submit=1",
    "ups": "https://www.ups.com/track?tracknum={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "dpd": "https://tracking.dpd.de/status/en_US/parcel/{number}",
    "gls": "https://gls-group.com/track/{number}",
    "tnt": "https://www.tnt.com/express/en_gc/site/shipping-tools/tracking.html?searchType=con&cons={number}",
    "postnl": "https://jouw.postnl.nl/track-and-trace/{number}",
}


def tracking_url(carrier: str | None, tracking_number: str | None) -> str | None:
    """The carrier's tracking page for the number; None for `other` or without a number."""
    page = _PAGES.get(carrier or "")
    if page is None or not tracking_number:
        return None
    return page.format(number=quote(tracking_number, safe=""))
