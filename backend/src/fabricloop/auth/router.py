from typing import Annotated

from fastapi import APIRouter, Cookie, Response, status

from fabricloop.auth import service
from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidSession,
    TooManyLoginAttempts,
)
from fabricloop.auth.schemas import (
    LoginRequest,
    RefreshRequest,
    RegisteredUser,
    RegisterRequest,
    TokenPair,
    UserOut,
)
from fabricloop.config import Settings
from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppCache, AppSettings
from fabricloop.core.errors import Unprocessable, responses

router = APIRouter(prefix="/api/auth", tags=["auth"])

REFRESH_COOKIE = "refresh_token"
COOKIE_PATH = "/api/auth"
RefreshCookie = Annotated[str | None, Cookie(alias=REFRESH_COOKIE, include_in_schema=False)]


def _set_refresh_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        token,
        max_age=settings.refresh_token_ttl_seconds,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.env == "production",
    )


def _presented_token(body: RefreshRequest | None, cookie: str | None) -> str:
    token = (body.refresh_token if body else None) or cookie
    if not token:
        raise InvalidSession()
    return token


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses=responses(InvalidEmail, EmailTaken, Unprocessable),
)
async def register(
    data: RegisterRequest, session: DbSession, settings: AppSettings
) -> RegisteredUser:
    """Create an account."""
    user = await service.register(session, settings, data)
    return RegisteredUser(
        user_id=user.id,
        email=user.email,
        company_name=user.company_name,
        role=user.role,
        created_at=user.created_at,
    )


@router.post("/login", responses=responses(InvalidCredentials, TooManyLoginAttempts, Unprocessable))
async def login(
    data: LoginRequest,
    response: Response,
    session: DbSession,
    settings: AppSettings,
    cache: AppCache,
) -> TokenPair:
    """Log in; also sets the refresh token as an httpOnly cookie."""
    pair = await service.login(session, settings, cache, data.email, data.password)
    _set_refresh_cookie(response, settings, pair.refresh_token)
    return pair


@router.post("/refresh", responses=responses(InvalidSession, Unprocessable))
async def refresh(
    response: Response,
    session: DbSession,
    settings: AppSettings,
    cookie: RefreshCookie = None,
    data: RefreshRequest | None = None,
) -> TokenPair:
    """Exchange a refresh token (body or cookie) for a new pair; the old one stops working."""
    pair = await service.refresh(session, settings, _presented_token(data, cookie))
    _set_refresh_cookie(response, settings, pair.refresh_token)
    return pair


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(InvalidSession, Unprocessable),
)
async def logout(
    user: CurrentUser,
    session: DbSession,
    settings: AppSettings,
    cookie: RefreshCookie = None,
    data: RefreshRequest | None = None,
) -> Response:
    """Revoke the refresh token (body or cookie) and clear the cookie."""
    await service.logout(session, settings, user, _presented_token(data, cookie))
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")
    return response


@router.get("/me", responses=responses(InvalidSession))
async def me(user: CurrentUser) -> UserOut:
    """The signed-in account."""
    return UserOut(
        user_id=user.id,
        email=user.email,
        company_name=user.company_name,
        role=user.role,
        phone=user.phone,
        created_at=user.created_at,
    )
