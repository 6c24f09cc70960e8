"""core.db.one_statement: a marked endpoint's session runs in autocommit (no BEGIN, no COMMIT)
and may write once; the real get_session on the real database, behind routes of this test."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from fabricloop.core.db import DbSession, Direct, SecondWrite, one_statement

pytestmark = pytest.mark.concurrency

# The id of the statement's transaction (assigning one if it has none yet).
TRANSACTION_ID = "SELECT txid_current()"


def _routes() -> FastAPI:
    routes = FastAPI()

    @routes.get("/plain")
    async def plain(session: DbSession) -> list[int]:
        first = await session.scalar(text(TRANSACTION_ID))
        second = await session.scalar(text(TRANSACTION_ID))
        return [first, second]

    @routes.get("/marked")
    @one_statement
    async def marked(session: DbSession) -> list[int]:
        first = await session.scalar(text(TRANSACTION_ID))
        second = await session.scalar(text(TRANSACTION_ID))
        return [first, second]

    @routes.post("/marked/twice")
    @one_statement
    async def twice(session: DbSession) -> str:
        await session.execute(text("SET statement_timeout = '5s'"))
        try:
            await session.execute(text("SET statement_timeout = '6s'"))
        except SecondWrite as refused:
            return f"refused: {refused}"
        return "sent"

    @routes.post("/marked/direct-then-twice")
    @one_statement
    async def direct_then_twice(session: DbSession) -> str:
        # A write sent through asyncpg itself counts as the request's one write.
        await Direct(text("SET statement_timeout = '5s'")).fetch(session, {})
        try:
            await session.execute(text("SET statement_timeout = '6s'"))
        except SecondWrite:
            return "refused"
        return "sent"

    return routes


@pytest.fixture
async def client(app: FastAPI, committed: object) -> AsyncIterator[AsyncClient]:  # noqa: ARG001
    routes = _routes()
    routes.state.sessionmaker = app.state.sessionmaker
    transport = ASGITransport(app=routes)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_a_plain_endpoint_runs_one_transaction(client: AsyncClient) -> None:
    first, second = (await client.get("/plain")).json()
    assert first == second


async def test_a_marked_endpoint_runs_each_statement_on_its_own(client: AsyncClient) -> None:
    first, second = (await client.get("/marked")).json()
    assert first != second  # two transactions: no BEGIN held them together


async def test_a_second_write_is_refused_before_it_is_sent(client: AsyncClient) -> None:
    answer = (await client.post("/marked/twice")).json()
    assert answer.startswith("refused: ")
    assert "SET" in answer


async def test_a_write_through_asyncpg_itself_counts_as_the_one(client: AsyncClient) -> None:
    assert (await client.post("/marked/direct-then-twice")).json() == "refused"
