"""The search parameters of `GET /api/materials`: parsed, checked, and normalised into the
key of their cached result."""

import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Literal

import orjson
from starlette.datastructures import QueryParams

from fabricloop.core.countries import COUNTRY_CODES
from fabricloop.core.pagination import Page
from fabricloop.core.vocabulary import (
    CERTIFICATION_SCHEMES,
    CURRENCIES,
    MATERIAL_TYPES,
    SOURCE_TYPES,
)
from fabricloop.materials.errors import InvalidSearch

Sort = Literal["relevance", "newest", "price_asc", "price_desc"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "price_asc", "price_desc")
MAX_Q_LENGTH = 200
MAX_PRICE = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("99999999999.999")
_SCHEMES = {s.casefold(): s for s in CERTIFICATION_SCHEMES}


@dataclass(frozen=True)
class SearchQuery:
    q: str | None
    material_types: tuple[str, ...]
    source_type: str | None
    min_price: Decimal | None
    max_price: Decimal | None
    quantity: Decimal | None
    currency: str | None
    origin_country: str | None
    certification: str | None
    seller_id: uuid.UUID | None
    sort: Sort
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def normalised(self) -> str:
        values = asdict(self)
        values["material_types"] = sorted(set(self.material_types))
        return orjson.dumps(values, default=str, option=orjson.OPT_SORT_KEYS).decode()


class _Problems:
    def __init__(self) -> None:
        self.details: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.details.append({"field": field, "message": message})


def _single(params: QueryParams, name: str, problems: _Problems) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        problems.add(name, "Give this parameter once.")
        return None
    return values[0] if values else None


def _decimal(raw: str | None, name: str, upper: Decimal, problems: _Problems) -> Decimal | None:
    if raw is None:
        return None
    try:
        value = Decimal(raw.strip())
    except ArithmeticError:
        problems.add(name, "Must be a number.")
        return None
    if not value.is_finite() or value < 0 or value > upper:
        problems.add(name, f"Must be a number from 0 to {upper}.")
        return None
    return value


def _choice(
    raw: str | None, name: str, allowed: tuple[str, ...], problems: _Problems
) -> str | None:
    if raw is None:
        return None
    if raw not in allowed:
        problems.add(name, f"Must be one of: {', '.join(allowed)}.")
        return None
    return raw


def parse_query(params: QueryParams, page: Page) -> SearchQuery:
    """The search parameters, checked; every problem is reported at once as a 400."""
    problems = _Problems()
    q = _single(params, "q", problems)
    if q is not None:
        q = " ".join(q.split())
        if "\x00" in q or len(q) > MAX_Q_LENGTH:
            problems.add("q", f"At most {MAX_Q_LENGTH} characters, without NUL.")
        q = q or None
    types = params.getlist("material_type")
    for value in types:
        _choice(value, "material_type", MATERIAL_TYPES, problems)
    source_type = _choice(
        _single(params, "source_type", problems), "source_type", SOURCE_TYPES, problems
    )
    min_price = _decimal(_single(params, "min_price", problems), "min_price", MAX_PRICE, problems)
    max_price = _decimal(_single(params, "max_price", problems), "max_price", MAX_PRICE, problems)
    if min_price is not None and max_price is not None and min_price > max_price:
        problems.add("min_price", "Must not exceed max_price.")
    quantity = _decimal(_single(params, "quantity", problems), "quantity", MAX_QUANTITY, problems)
    currency = _single(params, "currency", problems)
    currency = _choice(currency.upper() if currency else None, "currency", CURRENCIES, problems)
    country = _single(params, "origin_country", problems)
    if country is not None:
        country = country.strip().upper()
        if country not in COUNTRY_CODES:
            problems.add("origin_country", "Must be an ISO 3166-1 alpha-2 country code.")
    certification = _single(params, "certification", problems)
    if certification is not None:
        scheme = _SCHEMES.get(certification.strip().casefold())
        if scheme is None:
            problems.add("certification", f"Must be one of: {', '.join(CERTIFICATION_SCHEMES)}.")
        certification = scheme
    seller_raw = _single(params, "seller_id", problems)
    seller_id = None
    if seller_raw is not None:
        try:
            seller_id = uuid.UUID(seller_raw)
        except ValueError:
            problems.add("seller_id", "Must be a UUID.")
    sort = _single(params, "sort", problems) or ("relevance" if q else "newest")
    if sort not in SORTS:
        problems.add("sort", f"Must be one of: {', '.join(SORTS)}.")
    if problems.details:
        raise InvalidSearch(details=problems.details)
    return SearchQuery(
        q=q,
        material_types=tuple(dict.fromkeys(types)),
        source_type=source_type,
        min_price=min_price,
        max_price=max_price,
        quantity=quantity,
        currency=currency,
        origin_country=country,
        certification=certification,
        seller_id=seller_id,
        sort=sort,  # type: ignore[arg-type]
        page=page.page,
        limit=page.limit,
    )
