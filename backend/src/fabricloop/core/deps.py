"""The request dependencies every router shares, declared once."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.clientip import client_ip
from fabricloop.core.limiter import Limiter
from fabricloop.core.replica import ReadReplica


def settings_of(request: Request) -> Settings:
    """The app's settings. A route that many requests reach reads them (and the cache) this
    way: each dependency FastAPI solves costs a request some 50,000 instructions of CPU, about
    1 % of an order (docs/performance.md)."""
    settings: Settings = request.app.state.settings
    return settings


def cache_of(request: Request) -> Cache:
    """The app's cache (see `settings_of`)."""
    cache: Cache = request.app.state.cache
    return cache


# Every dependency is `async def`: FastAPI runs a plain `def` one in the thread pool, a
# thread hop per request that costs more than what these do.
async def get_app_settings(request: Request) -> Settings:
    return settings_of(request)


async def get_cache(request: Request) -> Cache:
    return cache_of(request)


async def get_limiter(request: Request) -> Limiter:
    limiter: Limiter = request.app.state.limiter
    return limiter


async def get_client_ip(request: Request) -> str:
    """The caller's address: the peer, or what trusted proxies say it is."""
    settings: Settings = request.app.state.settings
    return client_ip(request.scope, settings.trusted_proxies)


AppSettings = Annotated[Settings, Depends(get_app_settings)]
AppCache = Annotated[Cache, Depends(get_cache)]
AppLimiter = Annotated[Limiter, Depends(get_limiter)]
ClientIp = Annotated[str, Depends(get_client_ip)]


async def get_replica(request: Request) -> ReadReplica | None:
    replica: ReadReplica | None = request.app.state.replica
    return replica


AppReplica = Annotated[ReadReplica | None, Depends(get_replica)]


async def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


AppEngine = Annotated[AsyncEngine, Depends(get_engine)]
