"""A read-only session opened on first use: reads served from the cache never create one."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from fabricloop.core.storage import Storage


class LazySession:
    def __init__(self, maker: async_sessionmaker[AsyncSession]) -> None:
        self._maker = maker
        self._session: AsyncSession | None = None

    def __call__(self) -> AsyncSession:
        if self._session is None:
            self._session = self._maker()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            # Reads only: nothing to commit, so the transaction just ends.
            await self._session.close()


async def _lazy_session(request: Request) -> AsyncIterator[LazySession]:
    lazy = LazySession(request.app.state.sessionmaker)
    try:
        yield lazy
    finally:
        await lazy.close()


ReadSession = Annotated[LazySession, Depends(_lazy_session, scope="function")]


# FastAPI runs a plain `def` dependency in the thread pool: a thread hop per request that
# costs more than the cached read itself. These are the async twins of core.deps' AppCache,
# AppSettings and core.pagination's Pagination, for the hot read paths.
async def _cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _pagination(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")] = 1,
    limit: Annotated[
        int, Query(ge=1, description=f"Page size; values above {MAX_LIMIT} are clamped.")
    ] = DEFAULT_LIMIT,
) -> Page:
    return Page(page=page, limit=min(limit, MAX_LIMIT))


async def _storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


FastCache = Annotated[Cache, Depends(_cache)]
FastStorage = Annotated[Storage, Depends(_storage)]
FastSettings = Annotated[Settings, Depends(_settings)]
FastPagination = Annotated[Page, Depends(_pagination)]
