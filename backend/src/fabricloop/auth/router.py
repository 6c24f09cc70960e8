from typing import Annotated

from fastapi import APIRouter, Cookie, Response, status

from fabricloop.auth import service
from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import (
    AccountSuspended,
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidSession,
    TooManyLoginAttempts,
    TooManyRegistrations,
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
from fabricloop.core.deps import AppLimiter, AppSettings, ClientIp
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
    responses=responses(InvalidEmail, EmailTaken, Unprocessable, TooManyRegistrations),
    description="At most `REGISTER_MAX_PER_IP` (20) registrations per client IP, refilled over "
    "`REGISTER_WINDOW_SECONDS` (an hour); beyond, 429 `rate_limited` with `Retry-After`.",
)
async def register(
    data: RegisterRequest,
    session: DbSession,
    settings: AppSettings,
    limiter: AppLimiter,
    ip: ClientIp,
) -> RegisteredUser:
    """Create an account."""
    await service.allow_registration(settings, limiter, ip)
    user = await service.register(session, settings, data)
    return RegisteredUser(
        user_id=user.id,
        email=user.email,
        company_name=user.company_name,
        role=user.role,
        created_at=user.created_at,
    )


@router.post(
    "/login",
    responses=responses(InvalidCredentials, AccountSuspended, TooManyLoginAttempts, Unprocessable),
    description="Failed logins are counted per account and client IP: after "
    "`LOGIN_MAX_FAILURES` (10) within `LOGIN_WINDOW_SECONDS` (15 minutes) that pair gets 429 "
    "`rate_limited` (even with the right password) with `Retry-After`, and one more attempt "
    "each window / max failures (90 s) after. Per account from every IP the ceiling is "
    "`LOGIN_ACCOUNT_MAX_FAILURES` (100), so a stranger can slow an account's logins down "
    "but never lock its owner out. A suspended account with the right password: 403 "
    "`account_suspended` (its tokens stopped working when it was suspended).",
)
async def login(
    data: LoginRequest,
    response: Response,
    session: DbSession,
    settings: AppSettings,
    limiter: AppLimiter,
    ip: ClientIp,
) -> TokenPair:
    """Log in; also sets the refresh token as an httpOnly cookie."""
    pair = await service.login(session, settings, limiter, data.email, data.password, ip)
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
