"""What the public reads need, resolved lazily: a read served from the cache opens no
database session and resolves no token."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.cache import Cache
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
