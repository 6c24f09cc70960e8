"""Reading the event stream in tests."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from tests.factories import make_user


async def read_events(response: httpx.Response) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """(event, data) of each event of an SSE response; comments (pings) are skipped."""
    name, data = "message", ""
    async for line in response.aiter_lines():
        if line == "":
            if data:
                yield name, json.loads(data)
            name, data = "message", ""
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


async def users(maker: async_sessionmaker[AsyncSession], count: int) -> list[User]:
    async with maker() as session:
        made = [await make_user(session, company_name=f"Party {i}") for i in range(count)]
        await session.commit()
    return made


async def next_event(
    events: AsyncIterator[tuple[str, dict[str, Any]]],
) -> tuple[str, dict[str, Any]]:
    return await asyncio.wait_for(anext(events), 10)
