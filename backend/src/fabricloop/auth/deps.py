"""Who is asking: the bearer-token dependencies every router shares."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fabricloop.auth import service as auth_service
from fabricloop.auth.errors import AdminOnly, InvalidSession
from fabricloop.auth.models import User
from fabricloop.core import metrics
from fabricloop.core.context import user_id_var
from fabricloop.core.db import DbSession
from fabricloop.core.deps import cache_of, settings_of
from fabricloop.core.vocabulary import ADMIN_ROLE

bearer = HTTPBearer(auto_error=False, description="The access token from login or refresh.")

# The same token where it is optional: its own scheme name tells the OpenAPI schema so
# (core.openapi documents it as "no token, or the bearer token").
optional_bearer = HTTPBearer(
    auto_error=False, scheme_name="OptionalBearer", description="The access token, if any."
)

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
OptionalCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(optional_bearer)]


def bearer_present(credentials: Credentials) -> None:
    """Refuse the anonymous before an upload's body is read; the token is checked after
    (uploads list it in their route's `dependencies`)."""
    if credentials is None:
        raise InvalidSession()


async def get_current_user(request: Request, session: DbSession, credentials: Credentials) -> User:
    """The signed-in user of a valid access token; 401 `invalid_session` without one. Every
    signed-in request solves it: the settings and the cache are not dependencies of its own
    (core.deps.settings_of)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidSession()
    user = await auth_service.authenticate(session, settings_of(request), credentials.credentials)
    user_id_var.set(str(user.id))
    request.state.user_id = user.id
    await metrics.note_active_user(cache_of(request), user.id)
    return user


async def get_optional_user(
    request: Request, session: DbSession, credentials: OptionalCredentials
) -> User | None:
    if credentials is None:
        return None
    return await get_current_user(request, session, credentials)


CurrentUser = Annotated[User, Depends(get_current_user)]
OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def require_admin(user: CurrentUser) -> User:
    """The signed-in operator: 401 without a valid token, 403 `forbidden` for any other role.
    Every `/api/admin` router lists it in its `dependencies`; a route that needs the admin
    himself takes `AdminUser` (FastAPI resolves the dependency once per request)."""
    if user.role != ADMIN_ROLE:
        raise AdminOnly()
    return user


AdminUser = Annotated[User, Depends(require_admin)]
# For `APIRouter(prefix="/api/admin/...", dependencies=ADMIN_ONLY)`.
ADMIN_ONLY = [Depends(require_admin)]
