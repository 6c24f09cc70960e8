"""Request and response models of listings; the field rules of the API live here."""

import re
import uuid
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
)

from fabricloop.core.countries import COUNTRY_CODES
from fabricloop.core.gs1 import gtin_problem
from fabricloop.core.vocabulary import (
    CURRENCIES,
    MATERIAL_TYPES,
    SOURCE_TYPES,
    SUPPLY_CHAIN_STAGES,
    UNITS,
    certification_scheme,
)
from fabricloop.materials.terms import Tier, tier_problems

MAX_IMAGES = 10
Date = date  # the supply-chain field `date` shadows the type inside its class
CAS_NUMBER = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL: refuse it here instead of failing in the driver.
    if "\x00" in value:
        raise ValueError("Must not contain NUL characters.")
    return value


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError("Must be an ISO 3166-1 alpha-2 country code such as PT.")
    return code


def _not_future(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError("Must not be in the future.")
    return value


def _scheme(value: str) -> str:
    return certification_scheme(value)


def _canonical_reference(value: str) -> str:
    """A certificate id in any UUID spelling is stored in one, so it can be looked up."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value


def _cas_number(value: str | None) -> str | None:
    if value is None:
        return None
    match = CAS_NUMBER.match(value.strip())
    if not match:
        raise ValueError("Must be a CAS Registry Number such as 50-00-0.")
    digits = (match.group(1) + match.group(2))[::-1]
    checksum = sum(int(d) * (i + 1) for i, d in enumerate(digits)) % 10
    if checksum != int(match.group(3)):
        raise ValueError("The CAS number's check digit is wrong.")
    return match.group(0)


def _gtin(value: str) -> str:
    problem = gtin_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _half_up(places: int) -> Any:
    quantum = Decimal(1).scaleb(-places)

    def rounder(value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(quantum, rounding=ROUND_HALF_UP)

    return AfterValidator(rounder)


def _number(value: Decimal) -> float | int:
    # JSON numbers, as the schema documents. NUMERIC columns hold at most 14 significant
    # digits, which a float's shortest repr reproduces exactly.
    return int(value) if value == value.to_integral_value() else float(value)


def _stripped(min_length: int) -> Any:
    def check(value: str) -> str:
        value = _no_nul(value).strip()
        if len(value) < min_length:
            raise ValueError(f"Must have at least {min_length} non-blank characters.")
        return value

    return AfterValidator(check)


Text = Annotated[str, AfterValidator(_no_nul)]
Title = Annotated[str, Field(min_length=3, max_length=200), _stripped(3)]
Description = Annotated[Text, Field(max_length=5000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200), _stripped(1)]
Country = Annotated[Text, Field(max_length=8), AfterValidator(_country)]
PastDate = Annotated[date, AfterValidator(_not_future)]
Gtin = Annotated[
    str,
    Field(
        min_length=8,
        max_length=14,
        description="GS1 GTIN-8, -12, -13 or -14, check digit verified; the passport's GS1 "
        "Digital Link is /01/{the GTIN padded to 14 digits}.",
        examples=["09520123456788"],
    ),
    AfterValidator(_gtin),
]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=3, allow_inf_nan=False)]
Price = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False)]
KgPerUnit = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=4, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2, allow_inf_nan=False)]
JsonNumber = Annotated[Decimal, PlainSerializer(_number, return_type=float | int)]

MaterialType = Literal[MATERIAL_TYPES]  # type: ignore[valid-type]
SourceType = Literal[SOURCE_TYPES]  # type: ignore[valid-type]
Unit = Literal[UNITS]  # type: ignore[valid-type]
Currency = Literal[CURRENCIES]  # type: ignore[valid-type]
Stage = Literal[SUPPLY_CHAIN_STAGES]  # type: ignore[valid-type]
EditableStatus = Literal["draft", "active", "archived"]
# `hidden`: withheld by the operator (set and lifted by the operator only).
Status = Literal["draft", "active", "sold_out", "archived", "hidden"]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompositionItem(Request):
    fibre: Annotated[
        ShortText,
        Field(
            max_length=100,
            description="A fibre name; the material-type names (cotton, recycled_polyester, "
            "elastane...) are the ones the impact figures recognise, but any name is kept.",
        ),
    ]
    percent: Annotated[Percent, Field(description="Share in percent (> 0, <= 100, 2 decimals).")]


class Certification(Request):
    scheme: Annotated[
        Text,
        Field(max_length=50, description="One of `certification_schemes` (case-insensitive)."),
        AfterValidator(_scheme),
    ]
    certificate_id: Annotated[
        ShortText,
        Field(
            max_length=100,
            description="The certificate's number as the seller states it (self-declared), or "
            "the `certificate_id` of one of the seller's certificates (POST /api/certificates), "
            "which the certification then references: another user's or an unknown one is a "
            "404, one of another scheme a 422. A referenced certificate verifies the "
            "certification while an operator's approval and its validity last.",
        ),
        AfterValidator(_canonical_reference),
    ]
    valid_until: date | None = None


class Chemical(Request):
    name: ShortText
    cas_number: Annotated[
        Text | None,
        Field(max_length=20, description="CAS Registry Number, check digit verified."),
        AfterValidator(_cas_number),
    ] = None
    concentration_ppm: Annotated[
        Decimal | None, Field(ge=0, max_digits=14, allow_inf_nan=False)
    ] = None


class MetricsIn(Request):
    carbon_footprint: Annotated[
        Decimal | None,
        Field(ge=0, le=Decimal("9999999"), allow_inf_nan=False),
        _half_up(3),
        Field(description="kg CO2e per kg; rounded half-up to 3 decimals."),
    ] = None
    water_usage: Annotated[
        Decimal | None,
        Field(ge=0, le=Decimal("9999999999"), allow_inf_nan=False),
        _half_up(2),
        Field(description="Litres per kg; rounded half-up to 2 decimals."),
    ] = None
    chemical_composition: Annotated[list[Chemical], Field(max_length=100)] = []


class SupplyChainStep(Request):
    stage: Stage
    company: ShortText
    country: Country
    date: Date | None = None


def _check_composition(items: list[CompositionItem] | None) -> list[CompositionItem] | None:
    if not items:
        return items
    if sum(item.percent for item in items) != 100:
        raise ValueError("The percents must add up to 100.")
    fibres = [item.fibre.casefold() for item in items]
    if len(set(fibres)) != len(fibres):
        raise ValueError("Each fibre may appear once.")
    return items


def _unique_images(ids: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
    if ids is not None and len(set(ids)) != len(ids):
        raise ValueError("An image may appear once.")
    return ids


Composition = Annotated[
    list[CompositionItem], Field(max_length=20), AfterValidator(_check_composition)
]
Certifications = Annotated[list[Certification], Field(max_length=20)]
SupplyChain = Annotated[list[SupplyChainStep], Field(max_length=50)]
ImageIds = Annotated[
    list[uuid.UUID],
    Field(
        max_length=MAX_IMAGES,
        description="Ids from POST /api/images, uploaded by the caller and not attached to "
        "another listing; their order is the display order. Unknown ids and other users' "
        "images are a 404.",
    ),
    AfterValidator(_unique_images),
]
Color = Annotated[str, Field(min_length=1, max_length=100), _stripped(1)]
LotQuantity = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=3, allow_inf_nan=False)]
Measure = Annotated[Decimal, Field(gt=0, max_digits=8, decimal_places=2, allow_inf_nan=False)]
Grade = Literal["first", "second"]


class PriceTierIn(Request):
    min_quantity: Annotated[Quantity, Field(description="The quantity from which it applies.")]
    price: Annotated[Price, Field(description="The unit price from that quantity on.")]


class LotIn(Request):
    lot_code: Annotated[
        str,
        Field(
            min_length=1, max_length=64, description="Roll, dye lot or bale; unique per listing."
        ),
        _stripped(1),
    ]
    quantity: Annotated[LotQuantity, Field(description=">= 0; the listing's quantity is the sum.")]
    color: Color | None = None
    grade: Grade
    width_cm: Measure | None = None
    weight_gsm: Measure | None = None


def _unique_lot_codes(lots: list[LotIn] | None) -> list[LotIn] | None:
    if lots is not None:
        codes = [lot.lot_code for lot in lots]
        if len(set(codes)) != len(codes):
            raise ValueError("Each lot_code may appear once in a listing.")
    return lots


PriceTiers = Annotated[
    list[PriceTierIn],
    Field(
        max_length=20,
        description="`min_quantity` ascending, `price` strictly falling and below the "
        "listing's `price`; each `min_quantity` above the minimum order is on its steps. The "
        "unit price of an order is the last tier its quantity reaches, else `price`.",
    ),
]
Lots = Annotated[
    list[LotIn],
    Field(
        max_length=200,
        description="When present, the listing's quantity is the sum of the lots' quantities "
        "and every order names its `lot_code`.",
    ),
    AfterValidator(_unique_lot_codes),
]
SampleDescription = Annotated[
    str, Field(min_length=1, max_length=200, examples=["A4 swatch"]), _stripped(1)
]


def whole_unit_problem(unit: str, value: Decimal | None) -> str | None:
    if value is not None and unit in ("roll", "piece") and value != value.to_integral_value():
        return f"Must be a whole number for unit {unit}."
    return None


class MaterialCreate(Request):
    """A new listing. Its status is always `active` (server-owned); make a draft
    by setting `status` with PUT."""

    title: Title
    description: Description = ""
    material_type: MaterialType
    source_type: SourceType = "deadstock"
    quantity: Annotated[
        Quantity | None,
        Field(
            description="> 0, at most 3 decimals; whole for roll, piece. Required unless "
            "`lots` are given (then it is their sum, and if sent must equal it)."
        ),
    ] = None
    unit: Unit
    kg_per_unit: Annotated[
        KgPerUnit | None, Field(description="> 0; required unless unit is kg.")
    ] = None
    price: Annotated[Price, Field(description="Per unit, >= 0, at most 2 decimals.")]
    currency: Currency
    min_order_quantity: Annotated[
        Quantity | None,
        Field(
            description="> 0 and <= quantity; whole for roll, piece. An order below it is 422 "
            "`below_minimum_order`, unless it takes all that is left."
        ),
    ] = None
    order_increment: Annotated[
        Quantity | None,
        Field(
            description="> 0: quantities above the minimum go in these steps (5 from 10: 10, "
            "15, 20...; multiples of it without a minimum), else 422 `invalid_increment`."
        ),
    ] = None
    price_tiers: PriceTiers = []
    lots: Lots = []
    sample_available: bool = False
    sample_price: Annotated[
        Price | None, Field(description=">= 0 (0: free); required when samples are available.")
    ] = None
    sample_description: SampleDescription | None = None
    composition: Composition = []
    color: Color | None = None
    origin_country: Country | None = None
    gtin: Gtin | None = None
    manufacture_date: Annotated[PastDate | None, Field(description="Not in the future.")] = None
    certifications: Certifications = []
    images: ImageIds = []
    sustainability_metrics: MetricsIn | None = None
    supply_chain: SupplyChain = []


def listing_problems(
    *,
    unit: str,
    quantity: Decimal | None,
    kg_per_unit: Decimal | None,
    min_order_quantity: Decimal | None,
    order_increment: Decimal | None = None,
    price: Decimal = Decimal(0),
    price_tiers: list[Tier] | None = None,
    lot_quantities: list[Decimal] | None = None,
    sample_available: bool = False,
    sample_price: Decimal | None = None,
) -> list[tuple[str, str]]:
    """The rules that tie fields together, as (field, message); shared by create and update.
    `quantity` is the listing's (the lots' sum when it has lots)."""
    problems: list[tuple[str, str]] = []
    if unit != "kg" and kg_per_unit is None:
        problems.append(("kg_per_unit", "Required unless the unit is kg."))
    checked = [
        ("quantity", quantity),
        ("min_order_quantity", min_order_quantity),
        ("order_increment", order_increment),
        *((f"lots.{i}.quantity", q) for i, q in enumerate(lot_quantities or [])),
        *(
            (f"price_tiers.{i}.min_quantity", t.min_quantity)
            for i, t in enumerate(price_tiers or [])
        ),
    ]
    for field, value in checked:
        problem = whole_unit_problem(unit, value)
        if problem:
            problems.append((field, problem))
    if min_order_quantity is not None and quantity is not None and min_order_quantity > quantity:
        problems.append(("min_order_quantity", "Must not exceed the quantity."))
    if price_tiers:
        problems.extend(tier_problems(price, price_tiers, min_order_quantity, order_increment))
    if sample_available and sample_price is None:
        problems.append(("sample_price", "Required when samples are available (0: free)."))
    return problems


def created_quantity(data: "MaterialCreate") -> tuple[Decimal | None, list[tuple[str, str]]]:
    """The new listing's quantity: as sent, or the sum of its lots (which it must equal)."""
    if not data.lots:
        if data.quantity is None:
            return None, [("quantity", "Required unless lots are given.")]
        return data.quantity, []
    total = sum((lot.quantity for lot in data.lots), Decimal(0))
    if data.quantity is not None and data.quantity != total:
        return total, [("quantity", "Must equal the sum of the lots' quantities, or be left out.")]
    if total <= 0:
        return total, [("lots", "The lots must hold some stock.")]
    return total, []


def tiers_of(items: list[PriceTierIn]) -> list[Tier]:
    return [Tier(t.min_quantity, t.price) for t in items]


class MaterialUpdate(Request):
    """A partial update: only the fields sent change. `images` replaces the list;
    `sustainability_metrics` appends a new record (the latest applies, earlier ones stay in
    the passport's history). `status`: `draft`, `active` or `archived` (`sold_out` is set by
    the server when stock runs out; `active` needs a quantity above 0)."""

    title: Title | None = None
    description: Description | None = None
    material_type: MaterialType | None = None
    source_type: SourceType | None = None
    quantity: Quantity | None = None
    unit: Unit | None = None
    kg_per_unit: KgPerUnit | None = None
    price: Price | None = None
    currency: Currency | None = None
    min_order_quantity: Quantity | None = None
    order_increment: Quantity | None = None
    price_tiers: Annotated[PriceTiers | None, Field(description="Replaces the tiers.")] = None
    lots: Annotated[
        Lots | None,
        Field(
            description="Replaces the lots (matched by lot_code); the listing's quantity "
            "becomes their sum, so `quantity` is not sent with them, nor alone on a listing "
            "sold by lot. `[]` turns lots off, keeping the quantity."
        ),
    ] = None
    sample_available: bool | None = None
    sample_price: Price | None = None
    sample_description: SampleDescription | None = None
    composition: Composition | None = None
    color: Color | None = None
    origin_country: Country | None = None
    gtin: Gtin | None = None
    manufacture_date: PastDate | None = None
    certifications: Certifications | None = None
    images: ImageIds | None = None
    sustainability_metrics: MetricsIn | None = None
    supply_chain: SupplyChain | None = None
    status: EditableStatus | None = None

    @field_validator(
        "title",
        "material_type",
        "source_type",
        "quantity",
        "unit",
        "price",
        "currency",
        "composition",
        "certifications",
        "images",
        "supply_chain",
        "status",
        "description",
        "price_tiers",
        "lots",
        "sample_available",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        # These columns are never empty: null is refused rather than taken as "unchanged".
        if value is None:
            raise ValueError("Must not be null.")
        return value


class MaterialCreated(BaseModel):
    material_id: uuid.UUID
    title: str
    status: Status
    created_at: datetime


class MaterialUpdated(BaseModel):
    material_id: uuid.UUID
    updated_at: datetime


class MaterialDeleted(BaseModel):
    message: str
    material_id: uuid.UUID


class Party(BaseModel):
    user_id: uuid.UUID
    company_name: str
    verified: bool = Field(description="The operator has verified the company's details.")


class MaterialImage(BaseModel):
    image_id: uuid.UUID
    url: str = Field(description="The stored image (up to 3000 px), for a zoomed view.")
    thumbnail_url: str = Field(
        description="WebP thumbnail, longest side 400 px; the image itself (`url`) until the "
        "background job has made it."
    )
    display_url: str = Field(
        description="WebP display image, longest side 1200 px, the size the listing's page "
        "shows; the image itself (`url`) until the background job has made it, and for an "
        "image of at most 1200 px."
    )
    width: int = Field(description="Width of the stored image (`url`), in pixels.")
    height: int = Field(description="Height of the stored image (`url`), in pixels.")


class CompositionOut(BaseModel):
    fibre: str
    percent: JsonNumber


class CertificationOut(BaseModel):
    scheme: str
    certificate_id: str = Field(
        description="The seller's certificate number (self-declared), or the id of one of "
        "their certificates from POST /api/certificates (a reference)."
    )
    valid_until: date | None = Field(
        description="A verified certification's is its certificate's; otherwise as declared."
    )
    verified: bool = Field(
        False,
        description="It references a certificate an operator approved, and today is within "
        "that certificate's validity (judged when read). False: self-declared by the seller.",
    )
    verified_at: datetime | None = Field(
        None, description="When the operator approved the certificate; null unless verified."
    )


class ChemicalOut(BaseModel):
    name: str
    cas_number: str | None
    concentration_ppm: JsonNumber | None


class MetricsOut(BaseModel):
    carbon_footprint: JsonNumber | None
    water_usage: JsonNumber | None
    chemical_composition: list[ChemicalOut]
    recorded_at: datetime


class SupplyChainStepOut(BaseModel):
    stage: str
    company: str
    country: str
    date: Date | None


class PriceTierOut(BaseModel):
    min_quantity: JsonNumber
    price: JsonNumber


class LotOut(BaseModel):
    lot_code: str
    quantity: JsonNumber = Field(description="Available now.")
    color: str | None
    grade: Grade
    width_cm: JsonNumber | None
    weight_gsm: JsonNumber | None


class Impact(BaseModel):
    carbon_saved_per_kg: JsonNumber | None = Field(
        description="kg CO2e avoided per kg versus the virgin baseline; null without a factor."
    )
    water_saved_per_kg: JsonNumber | None = Field(
        description="Litres avoided per kg versus the virgin baseline; null without a factor."
    )
    baseline: str | None = Field(description='The virgin material compared, e.g. "virgin cotton".')


class MaterialDetail(BaseModel):
    material_id: uuid.UUID
    title: str
    description: str
    material_type: str
    source_type: str
    quantity: JsonNumber
    unit: str
    kg_per_unit: JsonNumber | None
    price: JsonNumber
    currency: str
    min_order_quantity: JsonNumber | None
    order_increment: JsonNumber | None
    price_tiers: list[PriceTierOut]
    lots: list[LotOut]
    sample_available: bool
    sample_price: JsonNumber | None
    sample_description: str | None
    composition: list[CompositionOut]
    color: str | None
    origin_country: str | None
    gtin: str | None = Field(description="GS1 GTIN, as the seller gave it; null without one.")
    manufacture_date: date | None
    certifications: list[CertificationOut]
    images: list[MaterialImage]
    sustainability_metrics: MetricsOut | None
    supply_chain: list[SupplyChainStepOut]
    status: Status = Field(
        description="`hidden`: the operator withheld the listing (see `hidden_reason`; a "
        "suspended seller's listings are `hidden` with no reason); it is then 404 to everyone "
        "but its seller, the parties of its orders and admins, and its status cannot change."
    )
    hidden_reason: str | None = Field(
        None,
        description="Why the operator hid the listing: to its seller and admins only, else null.",
    )
    seller: Party
    impact: Impact
    passport_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class MaterialSummary(BaseModel):
    material_id: uuid.UUID
    title: str
    material_type: str
    source_type: str
    quantity: JsonNumber
    unit: str
    price: JsonNumber
    currency: str
    thumbnail_url: str | None
    seller: Party
    carbon_footprint: JsonNumber | None
    created_at: datetime
    display_price: JsonNumber | None = Field(
        None,
        description="`price` converted to the search's `display_currency` at the reference "
        "rates (to the cent, half-up); null without a display currency, or when the listing's "
        "currency has no rate.",
    )


class FacetValue(BaseModel):
    value: str
    count: int


class SearchFacets(BaseModel):
    """For each facet, the values among the matches of the query without that facet's own
    filter (so a buyer sees what choosing another value would give), with their counts, most
    frequent first; values without a match are left out."""

    material_type: list[FacetValue]
    source_type: list[FacetValue]
    certification: list[FacetValue]
    origin_country: list[FacetValue]


class MaterialSearch(BaseModel):
    materials: list[MaterialSummary]
    total: int = Field(
        description="The number of matches, counted exactly up to 10,000 (or up to the end of "
        "the page asked for, if further). When `total_approximate` is true there are more: "
        "`total` is then that bound, a lower bound of the matches."
    )
    total_approximate: bool = Field(
        description="True when the matches outnumber the bound: `total` is a lower bound, "
        "not their count (show it as `10,000+`). False: `total` is exact."
    )
    page: int
    limit: int
    display_currency: str | None = Field(
        None, description="The currency of every `display_price`, as asked (null: none)."
    )
    facets: SearchFacets
    facets_approximate: bool = Field(
        description="True when the facet counts are estimated from 10,000 candidate listings "
        "(scaled to `total`), not counted: a search with text or a non-facet filter whose "
        "candidates are more. False: counted (or from the counts rebuilt every minute)."
    )


class MaterialTypes(BaseModel):
    material_types: list[str]
    source_types: list[str]
    units: list[str]
    currencies: list[str]
    certification_schemes: list[str]
    supply_chain_stages: list[str]
