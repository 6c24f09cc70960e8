"""A read-only session opened on first use: reads served from the cache never create one."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
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
# AppStorage and core.pagination's Pagination, for the hot read paths.
async def _cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


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
FastPagination = Annotated[Page, Depends(_pagination)]


_bearer = HTTPBearer(auto_error=False)


class ReadContext:
    """What a public read may need, resolved only when needed: a cache hit touches nothing
    but the cache (each FastAPI dependency costs tens of microseconds per request)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        state = request.app.state
        self.cache: Cache = state.cache
        self.settings: Settings = state.settings
        self.storage: Storage = state.storage
        self._maker: async_sessionmaker[AsyncSession] = state.sessionmaker

    def session(self) -> AsyncSession:
        """A new read-only session; use it as `async with`."""
        return self._maker()

    async def credentials(self) -> HTTPAuthorizationCredentials | None:
        return await _bearer(self.request)
