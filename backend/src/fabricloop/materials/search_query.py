"""The search parameters of `GET /api/materials`: one Pydantic model parses and checks them
(and documents them in OpenAPI); `SearchQuery` is their normalised form, the key of their
cached result."""

import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from fabricloop.core.countries import COUNTRY_CODES
from fabricloop.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from fabricloop.core.vocabulary import CERTIFICATION_SCHEMES, CURRENCIES
from fabricloop.materials.schemas import MaterialType, SourceType, Unit

Sort = Literal["relevance", "newest", "price_asc", "price_desc"]
MAX_Q_LENGTH = 200
MAX_PRICE = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("99999999999.999")
MAX_MEASURE = Decimal("999999.99")  # width_cm and weight_gsm: NUMERIC(8, 2)
MAX_COLOR_LENGTH = 100
PRICE_SORTS = ("price_asc", "price_desc")
# Matches counted exactly before `total` stops at the bound (SEARCH_COUNT_LIMIT).
DEFAULT_COUNT_LIMIT = 10_000
# A count_limit no search reaches (LIMIT takes a bigint): the total is always exact.
EXACT_COUNT = 2**62
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
    sample_available: bool | None = None
    min_width_cm: Decimal | None = None
    max_width_cm: Decimal | None = None
    min_weight_gsm: Decimal | None = None
    max_weight_gsm: Decimal | None = None
    color: str | None = None
    display_currency: str | None = None
    verified_only: bool = False
    unit: str | None = None
    # The reference rates the prices are converted with (units per 1 EUR, as strings), set by
    # the search once it has read them: part of the cache key, so new rates make a new result.
    rates: tuple[tuple[str, str], ...] = ()
    # Matches counted exactly: past them `total` is this bound (or the page's end, if further)
    # and `total_approximate` true. Set from SEARCH_COUNT_LIMIT; part of the cache key.
    count_limit: int = DEFAULT_COUNT_LIMIT

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def converts_prices(self) -> bool:
        """Whether prices are compared in `display_currency` (a price bound or a price sort
        with a display currency), not each in its own."""
        return self.display_currency is not None and (
            self.sort in PRICE_SORTS or self.min_price is not None or self.max_price is not None
        )

    @property
    def filters_lots(self) -> bool:
        """Whether a lot-level attribute is filtered (width, weight)."""
        return any(
            v is not None
            for v in (
                self.min_width_cm,
                self.max_width_cm,
                self.min_weight_gsm,
                self.max_weight_gsm,
            )
        )

    @property
    def filters_listing_row(self) -> bool:
        """Whether a filter needs the listing's own row or its lots (none of them is in the
        search table): samples, lots, colour, verified sellers, the unit."""
        return (
            self.sample_available is not None
            or self.unit is not None
            or self.filters_lots
            or self.color is not None
            or self.verified_only
        )

    @property
    def filters_listing_columns(self) -> bool:
        """Whether a filter is no lexeme nor price term of the search table's index: those of
        filters_listing_row, and prices converted to the display currency (computed from the
        search table's price and currency)."""
        return self.filters_listing_row or self.converts_prices

    def facets_key(self) -> str:
        """The normalised query without what facets don't depend on (the page, its size, the
        sort, and the display currency unless it converts a price bound)."""
        values = asdict(self)
        values["material_types"] = sorted(set(self.material_types))
        for name in ("page", "limit", "sort"):
            values.pop(name)
        if self.min_price is None and self.max_price is None:
            values.pop("display_currency")
            values.pop("rates")
        return orjson.dumps(values, default=str, option=orjson.OPT_SORT_KEYS).decode()

    def normalised(self) -> str:
        values = asdict(self)
        values["material_types"] = sorted(set(self.material_types))
        return orjson.dumps(values, default=str, option=orjson.OPT_SORT_KEYS).decode()


# Parameters that take one value: giving one twice is a 400 (the router checks, as the model
# sees the last value only).
SINGLE_VALUED = (
    "q",
    "source_type",
    "min_price",
    "max_price",
    "quantity",
    "currency",
    "origin_country",
    "certification",
    "seller_id",
    "sort",
    "page",
    "limit",
    "sample_available",
    "min_width_cm",
    "max_width_cm",
    "min_weight_gsm",
    "max_weight_gsm",
    "color",
    "display_currency",
    "verified_only",
    "unit",
)


class SearchParams(BaseModel):
    """The query of `GET /api/materials`; every field optional, filters inclusive."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(
        None,
        max_length=MAX_Q_LENGTH,
        description="Full-text over title (weighted above description), web-search syntax: "
        f'`"exact phrase"`, `or`, `-exclude`; at most {MAX_Q_LENGTH} characters.',
    )
    material_type: list[MaterialType] = Field(
        default_factory=list, description="Repeatable: listings of any of these types."
    )
    source_type: SourceType | None = None
    # Before min_price, so min_price's check can compare with it.
    max_price: Decimal | None = Field(None, ge=0, le=MAX_PRICE)
    min_price: Decimal | None = Field(None, ge=0, le=MAX_PRICE)
    quantity: Decimal | None = Field(None, ge=0, le=MAX_QUANTITY, description="Minimum available.")
    currency: str | None = Field(None, description="ISO 4217, one of `currencies`.")
    origin_country: str | None = Field(None, description="ISO 3166-1 alpha-2.")
    certification: str | None = Field(None, description="A scheme of `certification_schemes`.")
    seller_id: uuid.UUID | None = None
    sort: Sort | None = Field(
        None, description="`relevance` is the default with `q`, `newest` without."
    )
    sample_available: bool | None = Field(
        None,
        description="`true`: only listings that offer a sample; `false`: only those that don't.",
    )
    verified_only: bool = Field(
        False,
        description="`true`: only listings of sellers the operator has verified "
        "(`seller.verified`).",
    )
    unit: Unit | None = Field(
        None,
        description="Only listings sold in this unit (`kg`, `m`, ...): prices are per unit, so "
        "a price sort or price bound compares like with like only within one unit.",
    )
    # Maxima before minima, so each minimum's check can compare with its maximum.
    max_width_cm: Decimal | None = Field(
        None, gt=0, le=MAX_MEASURE, description="Lot-level: a lot at most this wide (cm)."
    )
    min_width_cm: Decimal | None = Field(
        None, gt=0, le=MAX_MEASURE, description="Lot-level: a lot at least this wide (cm)."
    )
    max_weight_gsm: Decimal | None = Field(
        None, gt=0, le=MAX_MEASURE, description="Lot-level: a lot of at most this weight (g/m²)."
    )
    min_weight_gsm: Decimal | None = Field(
        None, gt=0, le=MAX_MEASURE, description="Lot-level: a lot of at least this weight (g/m²)."
    )
    color: str | None = Field(
        None,
        max_length=MAX_COLOR_LENGTH,
        description="Case-insensitive part of the colour of a lot with stock left, or of the "
        "listing's colour when the listing has no lots (`navy` finds `Navy blue`).",
    )
    display_currency: str | None = Field(
        None,
        description="ISO 4217, one of `currencies` with a reference rate (`GET /api/fx-rates`): "
        "each listing gets `display_price`, its price converted at those rates (to the cent, "
        "half-up), and `min_price`, `max_price`, `price_asc` and `price_desc` compare the "
        "converted prices. A listing whose currency has no rate has `display_price: null`, "
        "fails price bounds and sorts last.",
    )
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, description=f"Page size; values above {MAX_LIMIT} are clamped."
    )

    @field_validator("material_type", mode="before")
    @classmethod
    def _types(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value  # one, from outside a query string

    @field_validator("q")
    @classmethod
    def _q(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        if "\x00" in value or len(value) > MAX_Q_LENGTH:
            raise ValueError(f"At most {MAX_Q_LENGTH} characters, without NUL.")
        return value or None

    @field_validator("min_price")
    @classmethod
    def _min_price(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        highest = info.data.get("max_price")
        if value is not None and highest is not None and value > highest:
            raise ValueError("Must not exceed max_price.")
        return value

    @field_validator("min_width_cm", "min_weight_gsm")
    @classmethod
    def _min_measure(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        highest = info.data.get(f"max_{str(info.field_name)[4:]}")
        if value is not None and highest is not None and value > highest:
            raise ValueError(f"Must not exceed max_{str(info.field_name)[4:]}.")
        return value

    @field_validator("color")
    @classmethod
    def _color(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        if "\x00" in value:
            raise ValueError("Must not contain NUL.")
        return value.casefold() or None

    @field_validator("currency", "display_currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.upper() not in CURRENCIES:
            raise ValueError(f"Must be one of: {', '.join(CURRENCIES)}.")
        return value.upper()

    @field_validator("origin_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.strip().upper() not in COUNTRY_CODES:
            raise ValueError("Must be an ISO 3166-1 alpha-2 country code.")
        return value.strip().upper()

    @field_validator("certification")
    @classmethod
    def _certification(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = _SCHEMES.get(value.strip().casefold())
        if scheme is None:
            raise ValueError(f"Must be one of: {', '.join(CERTIFICATION_SCHEMES)}.")
        return scheme

    def query(self, count_limit: int = DEFAULT_COUNT_LIMIT) -> SearchQuery:
        """The normalised search (defaults applied, the page size clamped)."""
        return SearchQuery(
            q=self.q,
            material_types=tuple(dict.fromkeys(self.material_type)),
            source_type=self.source_type,
            min_price=self.min_price,
            max_price=self.max_price,
            quantity=self.quantity,
            currency=self.currency,
            origin_country=self.origin_country,
            certification=self.certification,
            seller_id=self.seller_id,
            sort=self.sort or ("relevance" if self.q else "newest"),
            page=self.page,
            limit=min(self.limit, MAX_LIMIT),
            sample_available=self.sample_available,
            min_width_cm=self.min_width_cm,
            max_width_cm=self.max_width_cm,
            min_weight_gsm=self.min_weight_gsm,
            max_weight_gsm=self.max_weight_gsm,
            color=self.color,
            display_currency=self.display_currency,
            verified_only=self.verified_only,
            unit=self.unit,
            count_limit=count_limit,
        )
