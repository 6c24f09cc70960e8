import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from fabricloop.materials.repository import search as search_sql
from fabricloop.materials.search_query import SearchParams, SearchQuery
from tests.asserts import assert_error
from tests.factories import make_material
from tests.materials.conftest import MATERIALS, error_fields, make_image
from tests.materials.helpers import search

NOW = datetime.now(UTC)


def titles(data: dict[str, Any]) -> list[str]:
    return [m["title"] for m in data["materials"]]


@pytest.fixture
async def catalogue(session: AsyncSession, seller: User, other_seller: User) -> list[Material]:
    """Five listings with distinct prices, ages, types and words."""
    specs: list[tuple[User, dict[str, Any]]] = [
        (
            seller,
            {
                "title": "Organic cotton jersey",
                "description": "Soft knit for t-shirts",
                "material_type": "organic_cotton",
                "price": Decimal("8.00"),
                "quantity": Decimal("100"),
                "origin_country": "PT",
                "certifications": [{"scheme": "GOTS", "certificate_id": "G1"}],
                "created_at": NOW - timedelta(days=5),
            },
        ),
        (
            seller,
            {
                "title": "Recycled polyester fleece",
                "description": "Made from bottles; pairs well with cotton linings",
                "material_type": "recycled_polyester",
                "source_type": "recycled",
                "price": Decimal("5.50"),
                "quantity": Decimal("40"),
                "currency": "USD",
                "certifications": [{"scheme": "GRS", "certificate_id": "R1"}],
                "created_at": NOW - timedelta(days=4),
            },
        ),
        (
            other_seller,
            {
                "title": "Linen canvas deadstock",
                "description": "Heavy canvas",
                "material_type": "linen",
                "price": Decimal("12.00"),
                "quantity": Decimal("10"),
                "origin_country": "FR",
                "created_at": NOW - timedelta(days=3),
            },
        ),
        (
            other_seller,
            {
                "title": "Wool melton offcuts",
                "description": "Cotton free, pure wool",
                "material_type": "wool",
                "source_type": "post_industrial",
                "price": Decimal("15.00"),
                "quantity": Decimal("5"),
                "created_at": NOW - timedelta(days=2),
            },
        ),
        (
            seller,
            {
                "title": "Cotton poplin shirting",
                "description": "Crisp poplin",
                "material_type": "cotton",
                "price": Decimal("0"),
                "quantity": Decimal("500"),
                "created_at": NOW - timedelta(days=1),
            },
        ),
    ]
    return [await make_material(session, owner, **values) for owner, values in specs]


class TestSearchMaterials:
    async def test_newest_by_default(self, client: AsyncClient, catalogue: list[Material]) -> None:
        data = await search(client)
        assert data["total"] == 5
        assert data["page"] == 1
        assert data["limit"] == 20
        assert titles(data) == [m.title for m in reversed(catalogue)]
        first = data["materials"][0]
        assert set(first) == {
            "material_id",
            "title",
            "material_type",
            "source_type",
            "quantity",
            "unit",
            "price",
            "currency",
            "thumbnail_url",
            "seller",
            "carbon_footprint",
            "created_at",
            "display_price",
        }
        assert first["price"] == 0
        assert first["quantity"] == 500
        assert first["thumbnail_url"] is None
        assert first["carbon_footprint"] is None
        assert first["seller"]["company_name"] == "Porto Mills"

    async def test_only_active_and_not_deleted(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        await make_material(session, seller, title="Visible one")
        for status in ("draft", "sold_out", "archived"):
            await make_material(session, seller, title=f"Hidden {status}", status=status)
        await make_material(session, seller, title="Deleted", deleted_at=NOW, status="archived")
        data = await search(client)
        assert titles(data) == ["Visible one"]
        assert data["total"] == 1

    @pytest.mark.usefixtures("catalogue")
    async def test_text_relevance_title_over_description(self, client: AsyncClient) -> None:
        data = await search(client, q="cotton")
        assert data["total"] == 4
        # Title matches (weight A) rank above description-only ones (weight B).
        assert set(titles(data)[:2]) == {"Organic cotton jersey", "Cotton poplin shirting"}
        assert set(titles(data)[2:]) == {"Recycled polyester fleece", "Wool melton offcuts"}

    @pytest.mark.usefixtures("catalogue")
    async def test_web_search_syntax(self, client: AsyncClient) -> None:
        assert titles(await search(client, q="cotton -wool -polyester", sort="newest")) == [
            "Cotton poplin shirting",
            "Organic cotton jersey",
        ]
        assert set(titles(await search(client, q="linen or melton"))) == {
            "Linen canvas deadstock",
            "Wool melton offcuts",
        }
        assert titles(await search(client, q='"cotton jersey"')) == ["Organic cotton jersey"]
        # Stemming: "shirts" finds "t-shirts" and "shirting" alike.
        assert len((await search(client, q="shirts"))["materials"]) >= 1

    @pytest.mark.usefixtures("catalogue")
    @pytest.mark.parametrize(
        "q",
        [
            "'; DROP TABLE materials; --",
            "cotton' OR '1'='1",
            "&|!():*<->",
            '"unbalanced',
            "\\",
            "ü 布料 🧵",
            "the",
            "a" * 200,
        ],
    )
    async def test_injection_and_odd_queries_are_harmless(
        self, client: AsyncClient, q: str
    ) -> None:
        data = await search(client, q=q)
        assert isinstance(data["materials"], list)
        assert data["total"] == len(data["materials"])
        assert (await search(client))["total"] == 5

    @pytest.mark.usefixtures("catalogue")
    async def test_filters(self, client: AsyncClient) -> None:
        assert titles(await search(client, material_type="wool")) == ["Wool melton offcuts"]
        both = await search(client, material_type=["wool", "linen"])
        assert set(titles(both)) == {"Wool melton offcuts", "Linen canvas deadstock"}
        assert titles(await search(client, source_type="recycled")) == ["Recycled polyester fleece"]
        inclusive = await search(client, min_price="5.50", max_price="12")
        assert set(titles(inclusive)) == {
            "Recycled polyester fleece",
            "Organic cotton jersey",
            "Linen canvas deadstock",
        }
        assert titles(await search(client, max_price=0)) == ["Cotton poplin shirting"]
        assert set(titles(await search(client, quantity=100))) == {
            "Organic cotton jersey",
            "Cotton poplin shirting",
        }
        assert titles(await search(client, currency="usd")) == ["Recycled polyester fleece"]
        assert titles(await search(client, origin_country="fr")) == ["Linen canvas deadstock"]
        assert titles(await search(client, certification="gots")) == ["Organic cotton jersey"]
        assert titles(await search(client, certification="GRS")) == ["Recycled polyester fleece"]
        combined = await search(client, q="cotton", material_type="organic_cotton", max_price=10)
        assert titles(combined) == ["Organic cotton jersey"]
        assert combined["total"] == 1

    @pytest.mark.usefixtures("catalogue")
    async def test_seller_filter(self, client: AsyncClient, other_seller: User) -> None:
        data = await search(client, seller_id=str(other_seller.id))
        assert set(titles(data)) == {"Linen canvas deadstock", "Wool melton offcuts"}
        assert (await search(client, seller_id=str(uuid.uuid4())))["total"] == 0

    @pytest.mark.usefixtures("catalogue")
    async def test_sorts(self, client: AsyncClient) -> None:
        prices = [m["price"] for m in (await search(client, sort="price_asc"))["materials"]]
        assert prices == sorted(prices)
        prices = [m["price"] for m in (await search(client, sort="price_desc"))["materials"]]
        assert prices == sorted(prices, reverse=True)
        newest = await search(client, q="cotton", sort="newest")
        assert titles(newest)[0] == "Cotton poplin shirting"

    async def test_pagination_is_stable_with_ties(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        # Equal prices and creation times: the id decides, so pages never overlap.
        for n in range(7):
            await make_material(
                session, seller, title=f"Tie {n}", price=Decimal("3"), created_at=NOW
            )
        for sort in ("newest", "price_asc", "price_desc"):
            seen: list[str] = []
            for page in (1, 2, 3):
                data = await search(client, sort=sort, limit=3, page=page)
                assert data["total"] == 7
                seen += [m["material_id"] for m in data["materials"]]
            assert len(seen) == len(set(seen)) == 7
        beyond = await search(client, limit=3, page=4)
        assert beyond["materials"] == []
        assert beyond["total"] == 7

    @pytest.mark.usefixtures("catalogue")
    async def test_total_counts_beyond_the_page(self, client: AsyncClient) -> None:
        data = await search(client, limit=2)
        assert len(data["materials"]) == 2
        assert data["total"] == 5
        data = await search(client, limit=2, page=3)
        assert len(data["materials"]) == 1
        assert data["total"] == 5

    @pytest.mark.usefixtures("catalogue")
    async def test_relevance_total_counts_every_match(self, client: AsyncClient) -> None:
        data = await search(client, q="cotton", limit=3)
        assert len(data["materials"]) == 3
        assert data["total"] == 4
        data = await search(client, q="cotton", limit=3, page=2)
        assert len(data["materials"]) == 1
        assert data["total"] == 4
        data = await search(client, q="cotton", limit=3, page=3)
        assert data["materials"] == []
        assert data["total"] == 4

    @pytest.mark.usefixtures("catalogue")
    async def test_limit_is_clamped(self, client: AsyncClient) -> None:
        assert (await search(client, limit=1000))["limit"] == 100

    async def test_thumbnail_and_carbon(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller, carbon_footprint=Decimal("2.25"))
        second = await make_image(session, seller, material_id=material.id, position=1)
        first = await make_image(session, seller, material_id=material.id, position=0)
        item = (await search(client))["materials"][0]
        assert item["thumbnail_url"] == f"/media/{first.thumbnail_key}"
        assert item["thumbnail_url"] != f"/media/{second.thumbnail_key}"
        assert item["carbon_footprint"] == 2.25

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"material_type": "unobtainium"}, "material_type"),
            ({"material_type": ["wool", "nope"]}, "material_type"),
            ({"source_type": "stolen"}, "source_type"),
            ({"min_price": "-1"}, "min_price"),
            ({"min_price": "cheap"}, "min_price"),
            ({"max_price": "NaN"}, "max_price"),
            ({"max_price": "Infinity"}, "max_price"),
            ({"min_price": "10", "max_price": "5"}, "min_price"),
            ({"quantity": "-3"}, "quantity"),
            ({"currency": "XYZ"}, "currency"),
            ({"origin_country": "ZZ"}, "origin_country"),
            ({"certification": "MadeUp"}, "certification"),
            ({"seller_id": "not-a-uuid"}, "seller_id"),
            ({"sort": "cheapest"}, "sort"),
            ({"page": "0"}, "page"),
            ({"page": "x"}, "page"),
            ({"limit": "0"}, "limit"),
            ({"limit": "-5"}, "limit"),
            ({"q": "x" * 201}, "q"),
            ({"q": "bad\x00byte"}, "q"),
            ({"sort": ["newest", "price_asc"]}, "sort"),
        ],
    )
    async def test_invalid_parameters(
        self, client: AsyncClient, params: dict[str, Any], field: str
    ) -> None:
        response = await client.get(MATERIALS, params=params)
        assert response.status_code == 400, response.text
        assert_error(response.json(), "invalid_query")
        assert any(f.startswith(field) for f in error_fields(response.json()))


# Text searches that can take either plan (walk a B-tree in order, or read every match from the
# GIN index), or count in the page's own pass (a filter that is a column, not a lexeme).
PLAN_SHAPES: list[dict[str, Any]] = [
    {"q": "cotton"},
    {"q": "cotton", "material_type": "organic_cotton"},
    {"q": "cotton", "material_type": ["cotton", "wool", "organic_cotton"], "sort": "newest"},
    {"q": "cotton -jersey", "material_type": ["cotton", "wool"], "sort": "price_asc"},
    {"q": "fleece", "source_type": "recycled", "currency": "usd"},
    {"q": "canvas or jersey", "origin_country": "pt", "sort": "price_desc"},
    {"q": '"organic cotton"', "material_type": "organic_cotton", "max_price": "9"},
    {"q": "wool", "source_type": "post_industrial", "min_price": "1", "sort": "newest"},
    {"q": "cotton", "currency": "EUR", "certification": "GOTS"},
    {"q": "-jersey", "material_type": ["organic_cotton", "cotton"]},
    {"q": "cotton or wool or linen", "quantity": "5", "sort": "price_desc"},
    {"q": "cotton or wool or linen or fleece", "max_price": "15"},  # a price term
    {"q": "cotton or wool or linen or fleece", "min_price": "5", "max_price": "12"},
    {"q": "cotton or canvas", "min_price": "0.5", "sort": "price_asc"},  # below the first term
    {"q": "cotton or canvas", "max_price": "5000", "sort": "newest"},  # above the last one
]


def _query(params: dict[str, Any], page: int = 1, limit: int = 20) -> SearchQuery:
    return SearchParams.model_validate({**params, "page": page, "limit": limit}).query()


async def _ids(session: AsyncSession, sql: str, params: dict[str, Any]) -> list[uuid.UUID]:
    return [row.id for row in (await session.execute(text(sql), params)).all()]


async def _planned(session: AsyncSession, query: SearchQuery, *, walk: bool) -> list[uuid.UUID]:
    await session.execute(text(search_sql.PLAN_SETTINGS), search_sql.plan_settings(walk))
    try:
        return await _ids(session, *search_sql.page_sql(query, counted=True))
    finally:
        for setting in ("enable_bitmapscan", "enable_indexscan"):
            await session.execute(text(f"RESET {setting}"))


class TestSearchPlans:
    """Every plan of a text search gives the same page (search_sql.page_rows picks one)."""

    @pytest.mark.usefixtures("catalogue")
    @pytest.mark.parametrize("params", PLAN_SHAPES)
    @pytest.mark.parametrize(("page", "limit"), [(1, 20), (1, 2), (2, 2)])
    async def test_same_rows_by_every_plan(
        self,
        session: AsyncSession,
        params: dict[str, Any],
        page: int,
        limit: int,
    ) -> None:
        query = _query(params, page, limit)
        in_one_pass = await _ids(session, *search_sql.page_sql(query, counted=False))
        if search_sql.lexemes_only(query):  # else page_rows never counts first
            assert await _planned(session, query, walk=True) == in_one_pass
            assert await _planned(session, query, walk=False) == in_one_pass
        count_sql, count_params = search_sql.count_sql(query)
        total = (await session.execute(text(count_sql), count_params)).one().total
        everything = await _ids(session, *search_sql.page_sql(_query(params), counted=False))
        assert total == len(everything)
        assert len(in_one_pass) == max(0, min(limit, total - (page - 1) * limit))

    def test_only_an_exact_index_search_is_counted_first(self) -> None:
        with pytest.raises(ValueError, match="counted first"):
            search_sql.page_sql(_query({"q": "cotton", "max_price": "12"}), counted=True)
        search_sql.page_sql(_query({"q": "cotton", "max_price": "15"}), counted=True)

    @pytest.mark.parametrize(
        ("total", "walked", "walks"),
        [
            (80_000, 80_000, True),  # every listing of the type matches: the first 1,000 do
            (81_000, 1_000_000, True),  # 8%: about 12,000 rows walked before 1,000 matches
            (9_000, 1_000_000, False),  # 0.9%: reading the 9,000 matches is cheaper
            (40, 50, False),  # fewer matches than the window: read them all
            (0, 0, False),
        ],
    )
    def test_walks_when_matches_are_dense(self, total: int, walked: int, walks: bool) -> None:
        assert search_sql.walks(_query({"q": "cotton"}), total, walked) is walks

    def test_a_deep_page_counts_the_walk_it_needs(self) -> None:
        # Newest-first pages walk offset + limit rows; relevance pages at least the window.
        assert search_sql.walks(_query({"q": "x", "sort": "newest"}, page=1), 1_000, 5_000)
        assert not search_sql.walks(_query({"q": "x", "sort": "newest"}, page=50), 1_000, 5_000)
        assert not search_sql.walks(_query({"q": "x"}, page=1), 1_000, 5_000)


@pytest.fixture
async def ages(session: AsyncSession, seller: User) -> None:
    """Four cotton listings, oldest first; the third has the word in its description only."""
    for days, title in enumerate(
        ["Cotton cotton voile", "Poplin", "Sateen, cotton in the weft", "Cotton twill canvas"],
        start=1,
    ):
        await make_material(
            session,
            seller,
            title=title,
            description="Woven cotton",
            created_at=NOW - timedelta(days=days),
        )


class TestPriceTerms:
    """A price bound at a term of PRICE_TERMS is answered by the GIN index alone."""

    @pytest.mark.parametrize(
        ("bounds", "terms", "exact"),
        [
            ({"max_price": "15"}, "le_15", True),
            ({"max_price": "15.00"}, "le_15", True),
            ({"max_price": "14.99"}, "le_15", False),
            ({"max_price": "0"}, "le_1", False),
            ({"max_price": "1000.01"}, None, False),
            ({"min_price": "5"}, "ge_5", True),
            ({"min_price": "5.01"}, "ge_5", False),
            ({"min_price": "0.5"}, None, False),
            ({"min_price": "0"}, None, True),
            ({"min_price": "2", "max_price": "30"}, "le_30 & ge_2", True),
            ({"min_price": "2", "max_price": "31"}, "le_40 & ge_2", False),
            ({}, None, True),
        ],
    )
    def test_terms_of_the_bounds(
        self, bounds: dict[str, str], terms: str | None, exact: bool
    ) -> None:
        assert search_sql.price_terms(_query({"q": "cotton", **bounds})) == (terms, exact)

    async def test_the_database_gives_each_price_its_terms(self, session: AsyncSession) -> None:
        # Fails when PRICE_TERMS and the function of migration 0006 drift apart.
        steps = (Decimal("-1"), Decimal("-0.01"), Decimal("0"), Decimal("0.01"), Decimal("1"))
        around = [Decimal(t) + step for t in search_sql.PRICE_TERMS for step in steps]
        for price in [Decimal("0"), Decimal("0.01"), Decimal("999999.99"), *around]:
            found = await session.execute(
                text("SELECT (unnest(material_search_price_terms(:p))).lexeme"), {"p": price}
            )
            expected = {f"le_{t}" for t in search_sql.PRICE_TERMS if price <= t} | {
                f"ge_{t}" for t in search_sql.PRICE_TERMS if price >= t
            }
            assert set(found.scalars()) == expected, price

    @pytest.mark.parametrize(
        ("bounds", "expected"),
        [
            ({"max_price": "15"}, {"Organic cotton jersey", "Wool melton offcuts", "Poplin"}),
            ({"max_price": "12"}, {"Organic cotton jersey", "Poplin"}),
            ({"min_price": "15"}, {"Wool melton offcuts", "Cotton sateen"}),
            (
                {"min_price": "8", "max_price": "15"},
                {"Organic cotton jersey", "Wool melton offcuts"},
            ),
            (
                {"min_price": "0"},
                {"Organic cotton jersey", "Wool melton offcuts", "Poplin", "Cotton sateen"},
            ),
            ({"max_price": "0"}, {"Poplin"}),
        ],
    )
    async def test_bounds_are_inclusive(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        bounds: dict[str, str],
        expected: set[str],
    ) -> None:
        for title, price in (
            ("Organic cotton jersey", "8"),
            ("Wool melton offcuts", "15"),
            ("Poplin", "0"),
            ("Cotton sateen", "15.01"),
        ):
            await make_material(session, seller, title=title, price=Decimal(price))
        data = await search(client, q="cotton or wool or poplin", **bounds)
        assert set(titles(data)) == expected
        assert data["total"] == len(expected)


class TestRelevanceWindow:
    @pytest.mark.usefixtures("ages")
    async def test_every_match_is_ranked_when_they_fit_the_window(
        self, client: AsyncClient
    ) -> None:
        data = await search(client, q="cotton")
        assert data["total"] == 4
        assert titles(data)[0] == "Cotton cotton voile"
        assert titles(data)[-1] == "Poplin"  # the word in its description only

    @pytest.mark.usefixtures("ages")
    @pytest.mark.parametrize("filters", [{}, {"quantity": "0"}])
    async def test_matches_beyond_the_window_follow_newest_first(
        self,
        client: AsyncClient,
        monkeypatch: pytest.MonkeyPatch,
        filters: dict[str, str],
    ) -> None:
        # With a quantity filter the page counts its matches in the same pass: same order.
        monkeypatch.setattr(search_sql, "RELEVANCE_WINDOW", 2)
        expected = [
            "Cotton cotton voile",  # the two newest, ranked
            "Poplin",
            "Sateen, cotton in the weft",  # then by age
            "Cotton twill canvas",
        ]
        data = await search(client, q="cotton", **filters)
        assert titles(data) == expected
        assert data["total"] == 4
        pages = [await search(client, q="cotton", limit=1, page=n, **filters) for n in range(1, 5)]
        assert [titles(page)[0] for page in pages] == expected
        assert {page["total"] for page in pages} == {4}


class TestSearchFacets:
    """The categorical filters of a text search are lexemes of material_search.document."""

    @pytest.mark.usefixtures("catalogue")
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"material_type": "organic_cotton"}, ["Organic cotton jersey"]),
            ({"source_type": "post_industrial"}, ["Wool melton offcuts"]),
            ({"currency": "usd"}, ["Recycled polyester fleece"]),
            ({"origin_country": "pt"}, ["Organic cotton jersey"]),
            ({"certification": "gots"}, ["Organic cotton jersey"]),
            ({"certification": "GRS"}, ["Recycled polyester fleece"]),
            (
                {"material_type": ["wool", "cotton"]},
                ["Wool melton offcuts", "Cotton poplin shirting"],
            ),
        ],
    )
    async def test_each_category_with_text(
        self,
        client: AsyncClient,
        params: dict[str, Any],
        expected: list[str],
    ) -> None:
        data = await search(client, q="cotton", sort="newest", **params)
        assert sorted(titles(data)) == sorted(expected)
        assert data["total"] == len(expected)

    async def test_a_scheme_with_spaces_is_one_lexeme(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        certified = [{"scheme": "Cradle to Cradle", "certificate_id": "C2C-1"}]
        await make_material(session, seller, title="Hemp canvas", certifications=certified)
        await make_material(session, seller, title="Hemp twill")
        found = await search(client, q="hemp", certification="cradle to cradle")
        assert titles(found) == ["Hemp canvas"]
        assert (await search(client, q="hemp", certification="EU Ecolabel"))["total"] == 0

    @pytest.mark.usefixtures("catalogue")
    async def test_stop_words_with_a_category_match_nothing(self, client: AsyncClient) -> None:
        for sort in ("relevance", "newest"):
            data = await search(client, q="the and of", material_type="cotton", sort=sort)
            assert (data["materials"], data["total"]) == ([], 0)
            assert all(values == [] for values in data["facets"].values())

    @pytest.mark.usefixtures("catalogue")
    async def test_category_words_in_the_text_match_nothing(self, client: AsyncClient) -> None:
        # The facet lexemes can't be typed: the parser splits words at '_'.
        assert (await search(client, q="type_cotton"))["total"] == 0
        assert (await search(client, q="currency_USD", sort="newest"))["total"] == 0
        assert (await search(client, q="cert_GOTS", sort="newest"))["total"] == 0
