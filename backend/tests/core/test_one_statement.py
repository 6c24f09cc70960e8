"""core.db.one_statement: a marked endpoint's session runs in autocommit (no BEGIN, no COMMIT)
and may write once; the real get_session on the real database, behind routes of this test."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.core.db import DbSession, Direct, SecondWrite, one_statement
from tests.factories import make_user

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

    # A conditional write: a row back for each row it changed.
    matching = "UPDATE users SET updated_at = updated_at WHERE email = :email RETURNING id"

    @routes.post("/marked/conditional-then-again")
    @one_statement
    async def conditional_then_again(session: DbSession, email: str, conditional: bool) -> str:
        written = Direct(text(matching), conditional_write=conditional)
        rows = await written.fetch(session, {"email": email})
        try:
            await session.execute(text("SET statement_timeout = '6s'"))
        except SecondWrite:
            return f"{len(rows)} written, then refused"
        return f"{len(rows)} written, then sent"

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


async def test_a_conditional_write_that_wrote_nothing_leaves_the_one_write(
    client: AsyncClient,
) -> None:
    nobody = {"email": "nobody@example.invalid", "conditional": "true"}
    answer = await client.post("/marked/conditional-then-again", params=nobody)
    assert answer.json() == "0 written, then sent"
    # Not marked conditional, the same statement counts even when it matched nothing.
    unmarked = {**nobody, "conditional": "false"}
    answer = await client.post("/marked/conditional-then-again", params=unmarked)
    assert answer.json() == "0 written, then refused"


async def test_a_conditional_write_that_wrote_is_the_one_write(
    client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    async with committed() as session:
        user = await make_user(session)
        await session.commit()
    someone = {"email": user.email, "conditional": "true"}
    answer = await client.post("/marked/conditional-then-again", params=someone)
    assert answer.json() == "1 written, then refused"
