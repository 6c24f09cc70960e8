"""A search's page and its facets' pass run at the same time, each in its own session, when the
request's session is bound to the engine (the app's): the response is the one the same search
gives read one statement after the other in a single session."""

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.core import db
from fabricloop.fx import service as fx
from fabricloop.materials import search
from fabricloop.materials.repository import search as search_repository
from fabricloop.materials.search_query import SearchParams, SearchQuery
from tests.factories import make_material, make_user

RATES = "Date, USD, GBP, \n04 December 2026, 1.2500, 0.8000, \n"
LISTINGS: tuple[dict[str, Any], ...] = (
    {"material_type": "cotton", "price": "10.00", "origin_country": "PT"},
    {"material_type": "cotton", "price": "12.50", "currency": "USD", "origin_country": "FR"},
    {"material_type": "wool", "price": "9.00", "currency": "GBP", "source_type": "recycled"},
    {"material_type": "linen", "price": "7.25", "origin_country": "PT", "sample_available": True},
    {"material_type": "linen", "price": "30.00", "currency": "CHF"},  # no rate
    {"material_type": "hemp", "price": "14.00", "currency": "USD", "origin_country": "IT"},
)
GOTS = [{"scheme": "GOTS", "certificate_id": "G1"}]
# Searches whose facets are counted from their candidate rows (not the periodic counts), with
# text and without.
QUERIES: tuple[dict[str, Any], ...] = (
    {"q": "fabric"},
    {"q": "fabric", "material_type": ["cotton"], "sort": "price_asc"},
    {"q": "fabric", "display_currency": "EUR", "max_price": "20", "sort": "price_asc"},
    {"q": "fabric", "origin_country": "PT", "certification": "GOTS"},
    {"q": "fabric", "sample_available": True},
    {"material_type": ["cotton", "linen"], "max_price": "11"},
    {"origin_country": "PT", "display_currency": "USD", "sort": "price_desc"},
    {"q": "nothing-matches-this"},
)


@pytest.fixture
async def listed(committed: async_sessionmaker[AsyncSession]) -> None:
    async with committed() as session:
        await fx.import_rates(session, RATES)
        seller = await make_user(session, role="manufacturer")
        for n, values in enumerate(LISTINGS):
            await make_material(
                session,
                seller,
                title=f"Fabric {n}",
                certifications=GOTS if n % 2 == 0 else [],
                **{k: Decimal(v) if k == "price" else v for k, v in values.items()},
            )
        await session.commit()


@pytest.fixture
async def one_connection(app: FastAPI) -> AsyncIterator[AsyncSession]:
    """A session bound to a single connection: it reads one statement after the other."""
    async with app.state.engine.connect() as connection, AsyncSession(connection) as session:
        yield session


async def query_of(session: AsyncSession, values: dict[str, Any]) -> SearchQuery:
    return await search.with_rates(session, SearchParams(**values).query())


def url_of(key: str) -> str:
    return f"/files/{key}"


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("values", QUERIES)
@pytest.mark.parametrize("sample", [search_repository.FACET_SAMPLE, 2])
async def test_page_beside_facets_is_the_sequential_search(
    committed: async_sessionmaker[AsyncSession],
    one_connection: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
    values: dict[str, Any],
    sample: int,
) -> None:
    """The same page, total and facets (exact, and estimated from a sample of 3 rows)."""
    monkeypatch.setattr(search_repository, "FACET_SAMPLE", sample)
    async with committed() as session:
        query = await query_of(session, values)
        assert not search_repository.shares_facet_rows(query)
        beside = await search._page_beside_facets(session, query, url_of)
        assert beside is not None
        concurrent, _ = await search.run_search(session, query, url_of)
    sequential, _ = await search.run_search(one_connection, query, url_of)
    assert concurrent == sequential
    summaries, total, found = beside
    assert (summaries, total.count) == (sequential.materials, sequential.total)
    assert found.approximate == sequential.facets_approximate


@pytest.mark.usefixtures("listed")
async def test_search_over_http_counts_facets_without_their_own_filter(
    committed_client: AsyncClient,
) -> None:
    response = await committed_client.get(
        "/api/materials", params={"q": "fabric", "material_type": "cotton", "sort": "price_asc"}
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert [m["title"] for m in data["materials"]] == ["Fabric 0", "Fabric 1"]
    assert data["total"] == 2
    types = {v["value"]: v["count"] for v in data["facets"]["material_type"]}
    assert types == {"cotton": 2, "linen": 2, "wool": 1, "hemp": 1}
    countries = {v["value"]: v["count"] for v in data["facets"]["origin_country"]}
    assert countries == {"PT": 1, "FR": 1}


async def backend_pid(session: AsyncSession) -> int:
    return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_sibling_is_another_connection_of_the_engine(app: FastAPI) -> None:
    async with AsyncSession(app.state.engine) as session:
        session.info[db.READS_REPLICA] = False
        mine = await backend_pid(session)
        async with db.sibling(session) as other:
            assert other is not None
            assert await backend_pid(other) != mine
            assert db.reads_replica(other) is False
            await other.execute(text("SET LOCAL work_mem = '1MB'"))
        # Its transaction ended with it; the session's own goes on.
        assert await backend_pid(session) == mine


async def test_no_sibling_for_a_session_on_one_connection(one_connection: AsyncSession) -> None:
    async with db.sibling(one_connection) as other:
        assert other is None


async def test_no_sibling_when_the_pool_is_at_its_size(app: FastAPI) -> None:
    """Requests holding one connection each never wait on the pool for a second one."""
    engine = app.state.engine
    pool = engine.sync_engine.pool
    held = []
    try:
        while pool.checkedout() < pool.size():
            held.append(await engine.connect())
        async with AsyncSession(engine) as session, db.sibling(session) as other:
            assert other is None
    finally:
        for connection in held:
            await connection.close()
    async with AsyncSession(engine) as session, db.sibling(session) as other:
        assert other is not None


@pytest.mark.usefixtures("listed")
async def test_a_failing_statement_is_raised_as_itself(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    """A database error of one of the two reads reaches the caller as that error (the replica
    falls back to the primary on it), not wrapped in an exception group."""
    async with committed() as session:
        query = await query_of(session, {"q": "fabric"})
        with pytest.raises(DBAPIError):
            await session.execute(text("SELECT 1 / 0"))
        # The session's transaction is aborted: the page's first statement fails.
        with pytest.raises(DBAPIError, match="aborted"):
            await search._page_beside_facets(session, query, url_of)
        await session.rollback()
