"""`total` of a search: exact up to SEARCH_COUNT_LIMIT matches (or the end of the page asked
for), past it that bound with `total_approximate: true`."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.repository import search as search_repository
from tests.factories import make_material
from tests.materials.helpers import search

NOW = datetime.now(UTC)


@pytest.fixture
async def five(session: AsyncSession, seller: User) -> None:
    """Five navy fabric listings, one a day, priced 11-15."""
    for n in range(5):
        await make_material(
            session,
            seller,
            title=f"Fabric {n}",
            color="Navy blue",
            origin_country="PT",
            price=Decimal(11 + n),
            created_at=NOW - timedelta(days=n),
        )


@pytest.fixture
def count_limit(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> int:
    """SEARCH_COUNT_LIMIT of 3: below the five listings."""
    monkeypatch.setattr(app.state.settings, "search_count_limit", 3)
    return 3


def total(data: dict[str, Any]) -> tuple[int, bool]:
    return data["total"], data["total_approximate"]


@pytest.mark.usefixtures("five")
async def test_total_is_exact_below_the_bound(client: AsyncClient) -> None:
    assert total(await search(client, limit=2)) == (5, False)
    assert total(await search(client, limit=2, origin_country="PT", color="navy")) == (5, False)
    assert total(await search(client, limit=2, q="fabric", quantity="1")) == (5, False)


@pytest.mark.usefixtures("five")
async def test_total_stops_at_the_bound(client: AsyncClient, count_limit: int) -> None:
    # Counted by the statement that stops after the bound: no text, whatever the filter.
    assert total(await search(client, limit=2)) == (count_limit, True)
    assert total(await search(client, limit=2, origin_country="PT")) == (count_limit, True)
    data = await search(client, limit=2, color="navy", sort="price_asc")
    assert total(data) == (count_limit, True)
    assert [m["title"] for m in data["materials"]] == ["Fabric 0", "Fabric 1"]
    # A page past the bound: the bound moves to its end, so `total` never ends before the page.
    assert total(await search(client, limit=2, page=2)) == (4, True)
    # The last page is not full: it tells the exact total.
    assert total(await search(client, limit=2, page=3)) == (5, False)
    # As many matches as the bound: exact.
    assert total(await search(client, limit=2, max_price="13")) == (3, False)
    # A page past the end of a text search with a column filter counts them: exact, as few.
    empty = await search(client, limit=2, page=9, q="fabric", quantity="1")
    assert (empty["materials"], total(empty)) == ([], (5, False))


@pytest.mark.usefixtures("five")
async def test_text_searches_stay_exact(client: AsyncClient, count_limit: int) -> None:
    """Text searches count from the GIN index (words only) or in the page's own pass (a column
    filter): both read every match anyway, so their total is exact past the bound too."""
    assert count_limit < 5
    assert total(await search(client, limit=2, q="fabric")) == (5, False)
    assert total(await search(client, limit=2, q="fabric", quantity="1")) == (5, False)


@pytest.mark.usefixtures("five")
async def test_total_from_the_facets_pass(
    client: AsyncClient, count_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without text nor facet filter, when the facets' sample stops where the count does, the
    total comes from the facets' pass over the same rows: exact below the bound, the bound
    past it, the page as before."""
    monkeypatch.setattr(search_repository, "FACET_SAMPLE", count_limit)
    navy = await search(client, limit=2, color="navy")
    assert total(navy) == (count_limit, True)
    assert navy["facets_approximate"] is True
    assert [m["title"] for m in navy["materials"]] == ["Fabric 0", "Fabric 1"]
    cheap = await search(client, limit=2, max_price="13", sort="price_desc")
    assert total(cheap) == (3, False)
    assert cheap["facets_approximate"] is False
    assert cheap["facets"]["origin_country"] == [{"value": "PT", "count": 3}]
    assert [m["title"] for m in cheap["materials"]] == ["Fabric 2", "Fabric 1"]
    assert total(await search(client, limit=2, page=2, max_price="13")) == (3, False)
    assert total(await search(client, limit=2, page=3, max_price="12")) == (2, False)
