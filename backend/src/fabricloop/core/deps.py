"""The request dependencies every router shares, declared once."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fabricloop.auth import service as auth_service
from fabricloop.auth.errors import InvalidSession
from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core import metrics
from fabricloop.core.cache import Cache
from fabricloop.core.context import user_id_var
from fabricloop.core.db import DbSession

_bearer = HTTPBearer(auto_error=False, description="The access token from login or refresh.")


# Every dependency is `async def`: FastAPI runs a plain `def` one in the thread pool, a
# thread hop per request that costs more than what these do.
async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


AppSettings = Annotated[Settings, Depends(get_app_settings)]
AppCache = Annotated[Cache, Depends(get_cache)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def get_current_user(
    request: Request, session: DbSession, settings: AppSettings, credentials: Credentials
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidSession()
    user = await auth_service.authenticate(session, settings, credentials.credentials)
    user_id_var.set(str(user.id))
    request.state.user_id = user.id
    await metrics.note_active_user(request.app.state.cache, user.id)
    return user


async def get_optional_user(
    request: Request, session: DbSession, settings: AppSettings, credentials: Credentials
) -> User | None:
    if credentials is None:
        return None
    return await get_current_user(request, session, settings, credentials)


CurrentUser = Annotated[User, Depends(get_current_user)]
OptionalUser = Annotated[User | None, Depends(get_optional_user)]
