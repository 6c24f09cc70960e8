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
from fabricloop.auth.models import User
from fabricloop.auth.schemas import (
    LoginRequest,
    PasswordChange,
    ProfileUpdate,
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

# Signing in has a per-IP rate-limit bucket of its own (core.ratelimit).
SIGN_IN_PATHS = frozenset({"/api/auth/login", "/api/auth/register", "/api/auth/refresh"})
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


def _user_out(user: User) -> UserOut:
    return UserOut(
        user_id=user.id,
        email=user.email,
        company_name=user.company_name,
        role=user.role,
        phone=user.phone,
        created_at=user.created_at,
    )


@router.get("/me", responses=responses(InvalidSession))
async def me(user: CurrentUser) -> UserOut:
    """The signed-in account."""
    return _user_out(user)


@router.patch(
    "/me",
    responses=responses(InvalidSession, Unprocessable),
    description="Only the fields sent change: `company_name` (2-200 characters; null is a "
    "422), `phone` (E.164, or null to remove it). The email and the role cannot be changed.",
)
async def update_me(user: CurrentUser, data: ProfileUpdate, session: DbSession) -> UserOut:
    """Edit the signed-in account's profile."""
    return _user_out(await service.update_profile(session, user, data))


@router.put(
    "/password",
    responses=responses(InvalidSession, Unprocessable, TooManyLoginAttempts),
    description="Needs the current password: a wrong one is 422 `validation_error` on "
    "`current_password` and counts as a failed login of the account (the same limits as "
    "login, 429 `rate_limited` beyond them); a new password equal to the current one is 422 on "
    "`new_password`. On success every login of the account ends (its refresh and access "
    "tokens answer 401 from then on, on every device) and the caller gets a new pair, also "
    "set as the refresh cookie, so that this device stays signed in.",
)
async def change_password(
    user: CurrentUser,
    data: PasswordChange,
    response: Response,
    session: DbSession,
    settings: AppSettings,
    limiter: AppLimiter,
    ip: ClientIp,
) -> TokenPair:
    """Change the password and sign out every other session."""
    pair = await service.change_password(session, settings, limiter, user, data, ip)
    _set_refresh_cookie(response, settings, pair.refresh_token)
    return pair
