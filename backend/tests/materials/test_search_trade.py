"""Search by trade terms (samples, lots' width, weight and colour), in a display currency, and
its facets."""

import dataclasses
import uuid
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.jobs import Job, run_job
from fabricloop.fx import service as fx
from fabricloop.materials.models import Material, MaterialLot
from fabricloop.materials.repository import search as search_repository
from fabricloop.materials.search import refresh_facet_counts
from fabricloop.materials.search_query import SearchParams, SearchQuery
from tests.asserts import assert_error
from tests.factories import make_material
from tests.materials.conftest import MATERIALS, error_fields
from tests.materials.helpers import search

# 1 EUR = 1.25 USD = 0.80 GBP; no CHF rate.
RATES = "Date, USD, GBP, \n04 December 2026, 1.2500, 0.8000, \n"


async def lot(
    session: AsyncSession, material: Material, code: str, quantity: str, **values: Any
) -> None:
    session.add(
        MaterialLot(
            material_id=material.id,
            lot_code=code,
            quantity=Decimal(quantity),
            grade="first",
            **values,
        )
    )
    await session.flush()


@pytest.fixture
async def stock(session: AsyncSession, seller: User, other_seller: User) -> dict[str, Material]:
    """A: EUR 10, samples, navy, no lots. B: USD 10 per metre, a red 150 cm / 200 gsm lot and
    a sold-out navy 110 cm / 300 gsm one. C: GBP 9, navy, one 140 cm / 250 gsm lot without a
    colour. D: CHF 5 (no rate). All but B are sold by the kg."""
    await fx.import_rates(session, RATES)
    a = await make_material(
        session,
        seller,
        title="Fabric A",
        material_type="cotton",
        price=Decimal("10.00"),
        sample_available=True,
        sample_price=Decimal("0"),
        sample_description="A4 swatch",
        color="Navy blue",
        origin_country="PT",
        certifications=[{"scheme": "GOTS", "certificate_id": "G1"}],
    )
    b = await make_material(
        session,
        other_seller,
        title="Fabric B",
        material_type="wool",
        price=Decimal("10.00"),
        currency="USD",
        origin_country="FR",
        unit="m",
        kg_per_unit=Decimal("0.3"),
    )
    await lot(session, b, "B1", "10", color="Red", width_cm=Decimal(150), weight_gsm=Decimal(200))
    await lot(session, b, "B2", "0", color="navy", width_cm=Decimal(110), weight_gsm=Decimal(300))
    c = await make_material(
        session,
        seller,
        title="Fabric C",
        material_type="cotton",
        source_type="recycled",
        price=Decimal("9.00"),
        currency="GBP",
        color="Navy",
        origin_country="PT",
        certifications=[
            {"scheme": "GRS", "certificate_id": "R1"},
            {"scheme": "GOTS", "certificate_id": "G2"},
            {"scheme": "GOTS", "certificate_id": "G3"},
        ],
    )
    await lot(session, c, "C1", "5", width_cm=Decimal(140), weight_gsm=Decimal(250))
    d = await make_material(
        session,
        other_seller,
        title="Fabric D",
        material_type="linen",
        price=Decimal("5.00"),
        currency="CHF",
    )
    return {"A": a, "B": b, "C": c, "D": d}


def names(data: dict[str, Any]) -> list[str]:
    return [m["title"].removeprefix("Fabric ") for m in data["materials"]]


# Each filter alone and with text (the search of the other table).
@pytest.mark.usefixtures("stock")
@pytest.mark.parametrize("text", [None, "fabric"])
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sample_available": "true"}, {"A"}),
        ({"sample_available": "false"}, {"B", "C", "D"}),
        ({"min_width_cm": "120"}, {"B", "C"}),
        ({"max_width_cm": "145"}, {"C"}),  # B's 110 cm lot is sold out
        ({"min_width_cm": "140", "max_width_cm": "140"}, {"C"}),
        ({"min_weight_gsm": "280"}, set()),
        ({"max_weight_gsm": "220"}, {"B"}),
        ({"color": "navy"}, {"A", "C"}),  # A's own colour; C's lot takes the listing's
        ({"color": "  RED "}, {"B"}),
        ({"color": "red", "min_width_cm": "140"}, {"B"}),
        ({"color": "navy", "min_weight_gsm": "100"}, {"C"}),  # A has no lots to weigh
        ({"color": "%"}, set()),  # a wildcard is a character
        ({"color": "re"}, {"B"}),  # shorter than a trigram
        ({"color": "avy bl"}, {"A"}),
        ({"color": "blue", "sample_available": "true", "material_type": "cotton"}, {"A"}),
        ({"unit": "m"}, {"B"}),
        ({"unit": "kg"}, {"A", "C", "D"}),
        ({"unit": "kg", "color": "red"}, set()),
        ({"unit": "roll"}, set()),
    ],
)
async def test_trade_filters(
    client: AsyncClient,
    text: str | None,
    params: dict[str, str],
    expected: set[str],
) -> None:
    data = await search(client, **params, **({"q": text} if text else {}))
    assert set(names(data)) == expected
    assert data["total"] == len(expected)


@pytest.mark.usefixtures("stock")
@pytest.mark.parametrize("text", [None, "fabric"])
async def test_display_currency_converts_sorts_and_bounds(
    client: AsyncClient, text: str | None
) -> None:
    q = {"q": text} if text else {}
    data = await search(client, display_currency="EUR", sort="price_asc", **q)
    # B 10 USD = 8.00 EUR, A 10.00 EUR, C 9 GBP = 11.25 EUR, D (no CHF rate) last.
    assert names(data) == ["B", "A", "C", "D"]
    assert [m["display_price"] for m in data["materials"]] == [8.0, 10.0, 11.25, None]
    assert [(m["price"], m["currency"]) for m in data["materials"]] == [
        (10.0, "USD"),
        (10.0, "EUR"),
        (9.0, "GBP"),
        (5.0, "CHF"),
    ]
    assert data["display_currency"] == "EUR"
    descending = await search(client, display_currency="eur", sort="price_desc", **q)
    assert names(descending) == ["C", "A", "B", "D"]
    bounded = await search(client, display_currency="EUR", min_price="9", max_price="11.25", **q)
    assert set(names(bounded)) == {"A", "C"}
    assert bounded["total"] == 2
    in_dollars = await search(client, display_currency="USD", sort="price_asc", **q)
    # A 12.50 USD, B 10.00 USD as listed, C 11.25 EUR = 14.06 USD (half-up to the cent).
    assert [m["display_price"] for m in in_dollars["materials"]] == [10.0, 12.5, 14.06, None]
    # Without a display currency prices are compared as listed, each in its own currency.
    plain = await search(client, sort="price_asc", max_price="9", **q)
    assert names(plain) == ["D", "C"]
    assert plain["display_currency"] is None
    assert all(m["display_price"] is None for m in plain["materials"])
    # A display currency alone converts what is shown, not which listings match.
    newest = await search(client, display_currency="GBP", **q)
    assert set(names(newest)) == {"A", "B", "C", "D"}
    assert {m["title"]: m["display_price"] for m in newest["materials"]}["Fabric A"] == 8.0


# (currency, price) of each listing, in the order of their ids. Rounding to the cent makes
# ties: 10.02 and 10.03 USD are both 8.02 EUR, 13.77 and 13.78 USD both 11.02 EUR, and among
# them the id decides; here in favour of the one that is not among the cheapest (resp. the
# dearest) listings of its currency. Cross-currency ties at 8.03 and 8.06 EUR, none above
# 11.02, none below 8.00.
SORTED_STOCK = [
    ("USD", "10.03"),
    ("USD", "10.02"),
    ("USD", "13.78"),
    ("GBP", "6.42"),  # 8.025 EUR: 8.03, half-up
    ("USD", "10.04"),
    ("EUR", "8.03"),
    ("USD", "10.01"),
    ("GBP", "6.45"),
    ("EUR", "8.06"),
    ("USD", "10.00"),
    ("CHF", "1.00"),  # no rate: last
    ("USD", "12.51"),
    ("EUR", "10.00"),
    ("CHF", "2.00"),
    ("GBP", "8.00"),
    ("USD", "13.77"),
]


@pytest.mark.parametrize("sort", ["price_asc", "price_desc"])
@pytest.mark.parametrize("text", [None, "fabric"])
async def test_display_currency_sort_pages_are_slices_of_every_listing_sorted(
    client: AsyncClient, session: AsyncSession, seller: User, sort: str, text: str | None
) -> None:
    """Every page of a converted price sort, at every page size, is the slice of all the
    matching listings sorted by converted price and then id: ties made by rounding, listings
    without a rate after the others (a page may hold both)."""
    rates = {code: Decimal(rate) for code, rate in (("EUR", "1"), ("USD", "1.25"), ("GBP", "0.8"))}
    await fx.import_rates(session, RATES)
    listings = []
    for n, (currency, price) in enumerate(SORTED_STOCK, start=1):
        material = await make_material(
            session,
            seller,
            id=uuid.UUID(int=n),
            title=f"Fabric {currency} {price}",
            price=Decimal(price),
            currency=currency,
        )
        converted = fx.convert(material.price, currency, "EUR", rates)
        listings.append((converted, material.id))
    descending = sort == "price_desc"
    priced = sorted((c, i) for c, i in listings if c is not None)
    unpriced = sorted(i for c, i in listings if c is None)
    if descending:
        priced.reverse()
        unpriced.reverse()
    expected = [i for _, i in priced] + unpriced
    q = {"q": text} if text else {}
    for limit in range(1, 6):
        shown = []
        for page in range(1, len(expected) // limit + 2):
            data = await search(
                client, display_currency="EUR", sort=sort, limit=limit, page=page, **q
            )
            assert data["total"] == len(expected)
            shown += [uuid.UUID(m["material_id"]) for m in data["materials"]]
        assert shown == expected, limit


@pytest.mark.parametrize(
    ("color", "expected"),
    [
        ("navy", {"A", "C"}),
        ("red", {"B"}),
        ("NAVY BLUE", {"A"}),
        ("avy", {"A", "C"}),
        ("xyz", set()),
    ],
)
@pytest.mark.usefixtures("stock")
async def test_colour_candidates_find_what_walking_finds(
    session: AsyncSession, color: str, expected: set[str]
) -> None:
    """A page by colour reads the listings in order (dense matches) or the candidates of the
    trigram indexes (sparse ones): both find the same listings, lots' colours included."""
    query = SearchParams(color=color).query()
    for candidates in (False, True):
        sql, params = search_repository.page_sql(query, counted=False, candidates=candidates)
        assert ("material_color_grams" in sql) == candidates
        rows = (await session.execute(text(sql), params)).mappings().all()
        assert {r["title"].removeprefix("Fabric ") for r in rows} == expected, candidates
    sql, params = search_repository.count_sql(query)
    assert (await session.execute(text(sql), params)).mappings().one()["total"] == len(expected)


@pytest.mark.usefixtures("stock")
async def test_facets_count_without_their_own_filter(client: AsyncClient) -> None:
    def counts(data: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
        return {f: [(v["value"], v["count"]) for v in vs] for f, vs in data["facets"].items()}

    everything = counts(await search(client))
    assert everything == {
        "material_type": [("cotton", 2), ("linen", 1), ("wool", 1)],
        "source_type": [("deadstock", 3), ("recycled", 1)],
        "certification": [("GOTS", 2), ("GRS", 1)],  # C's two GOTS certificates count once
        "origin_country": [("PT", 2), ("FR", 1)],
    }
    for q in (None, "fabric"):
        text = {"q": q} if q else {}
        cotton = counts(await search(client, material_type="cotton", **text))
        assert cotton == {
            "material_type": [("cotton", 2), ("linen", 1), ("wool", 1)],
            "source_type": [("deadstock", 1), ("recycled", 1)],
            "certification": [("GOTS", 2), ("GRS", 1)],
            "origin_country": [("PT", 2)],
        }
        crossed = await search(client, material_type="cotton", origin_country="FR", **text)
        assert crossed["total"] == 0
        assert counts(crossed) == {
            "material_type": [("wool", 1)],
            "source_type": [],
            "certification": [],
            "origin_country": [("PT", 2)],
        }
        certified = counts(
            await search(client, certification="grs", source_type="deadstock", **text)
        )
        assert certified == {
            "material_type": [],
            "source_type": [("recycled", 1)],
            "certification": [("GOTS", 1)],
            "origin_country": [],
        }
    # Other filters narrow every facet.
    sampled = counts(await search(client, sample_available="true", display_currency="USD"))
    assert sampled["material_type"] == [("cotton", 1)]
    bounded = counts(await search(client, display_currency="EUR", max_price="10"))
    assert bounded["material_type"] == [("cotton", 1), ("wool", 1)]  # A, B (8 EUR)
    by_unit = await search(client, unit="kg", display_currency="EUR", sort="price_asc")
    assert counts(by_unit)["material_type"] == [("cotton", 2), ("linen", 1)]
    assert names(by_unit) == ["A", "C", "D"]


@pytest.mark.usefixtures("stock")
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_width_cm": "-1"}, "min_width_cm"),
        ({"max_width_cm": "0"}, "max_width_cm"),
        ({"min_weight_gsm": "heavy"}, "min_weight_gsm"),
        ({"max_weight_gsm": "1e9"}, "max_weight_gsm"),
        ({"min_width_cm": "150", "max_width_cm": "140"}, "min_width_cm"),
        ({"min_weight_gsm": "300", "max_weight_gsm": "200"}, "min_weight_gsm"),
        ({"sample_available": "maybe"}, "sample_available"),
        ({"color": "x" * 101}, "color"),
        ({"color": "navy\x00"}, "color"),
        ({"display_currency": "XYZ"}, "display_currency"),
        ({"display_currency": "€"}, "display_currency"),
        ({"display_currency": "CHF"}, "display_currency"),  # a currency without a rate
        ({"display_currency": ["EUR", "USD"]}, "display_currency"),
        ({"color": ["red", "navy"]}, "color"),
        ({"unit": "metre"}, "unit"),
        ({"unit": "KG"}, "unit"),
        ({"unit": ""}, "unit"),
        ({"unit": ["kg", "m"]}, "unit"),
    ],
)
async def test_invalid_trade_parameters(
    client: AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await client.get(MATERIALS, params=params)
    assert response.status_code == 400, response.text
    assert_error(response.json(), "invalid_query")
    assert any(f.startswith(field) for f in error_fields(response.json()))


async def test_display_currency_before_any_rates(
    client: AsyncClient, session: AsyncSession, seller: User
) -> None:
    await make_material(session, seller)
    response = await client.get(MATERIALS, params={"display_currency": "EUR"})
    assert response.status_code == 400
    assert error_fields(response.json()) == {"display_currency"}


REFRESH = Job("refresh_facet_counts", refresh_facet_counts)
COUNT_ROWS = text(
    "SELECT scheme, material_type, source_type, origin_country, listings "
    "FROM material_facet_counts ORDER BY 1, 2, 3, 4"
)
# Queries whose facets the periodic counts answer: no text, only facet filters.
AGGREGATED: tuple[dict[str, Any], ...] = (
    {},
    {"material_type": ["cotton"]},
    {"material_type": ["cotton", "linen"], "origin_country": "FR"},
    {"certification": "GRS", "source_type": "deadstock"},
    {"certification": "GOTS", "origin_country": "PT"},
    {"source_type": "recycled"},
    {"source_type": "recycled", "certification": "GOTS"},
)


async def live_facets(session: AsyncSession, query: SearchQuery) -> dict[str, Any]:
    sql, params = search_repository.facets_sql(query)
    rows = (await session.execute(text(sql), params)).all()
    return search_repository.by_facet(rows)


# Filters whose facets a text search counts from material_search's own columns (migration
# 0028), joined to the listing only for a filter that just the listing holds (samples, colour).
COMPARED: tuple[dict[str, Any], ...] = (
    {},
    {"material_type": ["cotton"]},
    {"material_type": ["cotton"], "origin_country": "FR"},
    {"certification": "GOTS", "source_type": "recycled"},
    {"certification": "GRS", "origin_country": "PT", "material_type": ["wool"]},
    {"currency": "USD"},
    {"max_price": "9.5"},
    {"display_currency": "EUR", "max_price": "10"},
    {"display_currency": "USD", "min_price": "12", "material_type": ["cotton", "linen"]},
    {"sample_available": True, "certification": "GOTS"},
    {"color": "navy", "origin_country": "PT"},
)
STOCK_RATES = (("EUR", "1"), ("GBP", "0.8"), ("USD", "1.25"))


@pytest.mark.usefixtures("stock")
@pytest.mark.parametrize("values", COMPARED)
async def test_text_facets_from_the_search_table_are_the_listings(
    session: AsyncSession, values: dict[str, Any]
) -> None:
    """`fabric` matches every listing, so the facets of a text search (from material_search)
    are those of the same filters without text (from materials), converted prices included."""
    with_text, without = (
        dataclasses.replace(SearchParams(**values, **q).query(), rates=STOCK_RATES)
        for q in ({"q": "fabric"}, {})
    )
    sql, _ = search_repository.facets_sql(with_text)
    assert ("JOIN materials" in sql) == with_text.filters_listing_row
    counted = await live_facets(session, with_text)
    assert any(counted.values())
    assert counted == await live_facets(session, without)


@pytest.mark.usefixtures("stock")
async def test_facet_counts_job_matches_the_live_counts(
    app: FastAPI, client: AsyncClient, session: AsyncSession, seller: User
) -> None:
    await make_material(
        session,
        seller,
        title="Fabric E",
        material_type="linen",
        source_type="recycled",
        certifications=[{"scheme": "GRS", "certificate_id": "R9"}],
    )
    assert search_repository.aggregated(SearchParams(source_type="recycled").query())
    assert not search_repository.aggregated(SearchParams(currency="EUR").query())
    assert not search_repository.aggregated(SearchParams(q="fabric").query())
    assert not search_repository.aggregated(SearchParams(sample_available=True).query())
    assert not search_repository.aggregated(SearchParams(unit="m").query())
    refreshed = await run_job(app.state.sessionmaker, REFRESH)
    assert refreshed is not None
    assert refreshed > 0
    for values in AGGREGATED:
        query = SearchParams(**values).query()
        found = await search_repository.facet_counts(session, query, 0)
        assert (found.aggregated, found.approximate) == (True, False)
        assert found.counts == await live_facets(session, query), values
    # The counts lag the listings until the next run: the page counts a new listing at once,
    # the facets (from the counts) a run later.
    await make_material(session, seller, title="Fabric F", material_type="silk")
    data = await search(client, sort="price_asc")
    assert "F" in names(data)
    assert "silk" not in [v["value"] for v in data["facets"]["material_type"]]
    assert data["facets_approximate"] is False
    await run_job(app.state.sessionmaker, REFRESH)
    query = SearchParams(sort="price_asc").query()
    found = await search_repository.facet_counts(session, query, 0)
    assert ("silk", 1) in found.counts["material_type"]
    assert found.counts == await live_facets(session, query)


@pytest.mark.usefixtures("stock")
async def test_facet_counts_job_is_idempotent(app: FastAPI, session: AsyncSession) -> None:
    first = await run_job(app.state.sessionmaker, REFRESH)
    rows = (await session.execute(COUNT_ROWS)).all()
    assert await run_job(app.state.sessionmaker, REFRESH) == first == len(rows)
    assert (await session.execute(COUNT_ROWS)).all() == rows
    every = [r for r in rows if r.scheme == ""]
    assert sum(r.listings for r in every) == 4  # A-D, each once
    gots = [r for r in rows if r.scheme == "GOTS"]
    assert sum(r.listings for r in gots) == 2  # C's two GOTS certificates count once


@pytest.mark.usefixtures("stock")
async def test_facets_past_the_sample_are_estimated_and_flagged(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = await search(client, q="fabric", max_price="20")
    assert exact["facets_approximate"] is False
    assert [(v["value"], v["count"]) for v in exact["facets"]["material_type"]] == [
        ("cotton", 2),
        ("linen", 1),
        ("wool", 1),
    ]
    monkeypatch.setattr(search_repository, "FACET_SAMPLE", 2)
    # Another query (a cached one would keep its exact facets).
    estimated = await search(client, q="fabric", max_price="30")
    assert estimated["total"] == exact["total"] == 4
    assert estimated["facets_approximate"] is True
    counts = [v["count"] for v in estimated["facets"]["material_type"]]
    # Scaled from the 3 rows read (all matching) to the 4 matches, each rounded.
    assert abs(sum(counts) - 4) <= len(counts) / 2


async def test_a_sample_of_text_matches_spreads_over_every_material_type(
    client: AsyncClient, session: AsyncSession, seller: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the sample, each partition (material type) with matches gives its share of the
    rows read: the partitions are no longer read in order until the sample is full, which
    left out every type after the first ones (`denim` at 1M: 7 of 18 types missing)."""
    for material_type, listings in (("cotton", 4), ("silk", 1), ("wool", 4)):
        for n in range(listings):
            await make_material(
                session,
                seller,
                title=f"Spread twill {material_type} {n}",
                material_type=material_type,
                origin_country="PT" if n % 2 else "IT",
            )
    monkeypatch.setattr(search_repository, "FACET_SAMPLE", 4)
    data = await search(client, q="spread twill")
    assert data["total"] == 9
    assert data["facets_approximate"] is True
    types = {v["value"]: v["count"] for v in data["facets"]["material_type"]}
    # silk read whole (1 of its limit 1 + 1); cotton and wool cut at 2 + 1 of 4 each, their
    # 6 rows read scaled to the 8 matches left to them.
    assert types == {"cotton": 4, "wool": 4, "silk": 1}
    countries = {v["value"]: v["count"] for v in data["facets"]["origin_country"]}
    assert sum(countries.values()) == 9
    assert set(countries) == {"PT", "IT"}


def test_partition_limits_share_the_sample_by_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_repository, "FACET_SAMPLE", 100)
    limits = search_repository.partition_limits
    assert limits({"a": 60, "b": 40}) is None  # every candidate is read
    assert limits({"a": 0, "b": 0}) is None
    assert limits({"a": 900, "b": 99, "c": 1, "d": 0}) == {"a": 90, "b": 10, "c": 1}
    shared = limits({f"p{n}": 7 * n + 1 for n in range(19)})
    assert shared is not None
    assert all(limit >= 1 for limit in shared.values())
    assert 100 <= sum(shared.values()) <= 100 + 19
