"""Accounts: registration, login with throttling, rotating refresh tokens, logout."""

import hashlib
import uuid
from datetime import UTC, datetime

from anyio import to_thread
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth import repository, tokens
from fabricloop.auth.emails import normalise_email
from fabricloop.auth.errors import (
    AccountSuspended,
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidSession,
    TooManyLoginAttempts,
    TooManyRegistrations,
)
from fabricloop.auth.models import RefreshToken, User
from fabricloop.auth.passwords import (
    dummy_hash,
    hash_password,
    password_problem,
    verify_password,
)
from fabricloop.auth.schemas import PasswordChange, ProfileUpdate, RegisterRequest, TokenPair
from fabricloop.config import Settings
from fabricloop.core.errors import field_error
from fabricloop.core.limiter import Limiter, Rate
from fabricloop.core.vocabulary import ADMIN_ROLE


def _now() -> datetime:
    return datetime.now(UTC)


async def register(session: AsyncSession, settings: Settings, data: RegisterRequest) -> User:
    return await _add_account(
        session, settings, data.email, data.password, data.company_name, data.role, data.phone
    )


async def create_admin(
    session: AsyncSession, settings: Settings, email: str, password: str, company_name: str
) -> User:
    """An operator account (`fabricloop create-admin`; the API never creates one), held to
    the same email and password rules as a registration."""
    problem = password_problem(password)
    if problem:
        raise field_error("password", problem)
    name = company_name.strip()
    if not 2 <= len(name) <= 200 or "\x00" in name:
        raise field_error("company_name", "Must be 2-200 characters, without NUL.")
    return await _add_account(session, settings, email, password, name, ADMIN_ROLE, None)


async def _add_account(
    session: AsyncSession,
    settings: Settings,
    raw_email: str,
    password: str,
    company_name: str,
    role: str,
    phone: str | None,
) -> User:
    email = normalise_email(raw_email)
    if email is None:
        raise InvalidEmail()
    if await repository.email_exists(session, email):
        raise EmailTaken()
    password_hash = await to_thread.run_sync(hash_password, password, settings.bcrypt_rounds)
    user = User(
        email=email,
        password_hash=password_hash,
        company_name=company_name,
        role=role,
        phone=phone,
    )
    try:
        async with session.begin_nested():
            return await repository.add_user(session, user)
    except IntegrityError as error:  # a concurrent registration of the same email won
        raise EmailTaken() from error


def _account_key(email: str) -> str:
    return "login:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _login_rates(settings: Settings) -> tuple[Rate, Rate]:
    """Failed logins allowed per account and IP pair, and per account from anywhere (higher:
    a stranger can slow an account's logins down, never lock its owner out)."""
    return (
        Rate(settings.login_max_failures, settings.login_window_seconds),
        Rate(settings.login_account_max_failures, settings.login_window_seconds),
    )


def _login_buckets(settings: Settings, email: str, ip: str) -> list[tuple[str, Rate]]:
    account = _account_key(email)
    return list(zip((f"{account}:{ip}", account), _login_rates(settings), strict=True))


async def _refuse_if_throttled(limiter: Limiter, buckets: list[tuple[str, Rate]]) -> None:
    for key, rate in buckets:
        decision = await limiter.peek(key, rate)
        if not decision.allowed:
            raise TooManyLoginAttempts(headers={"Retry-After": decision.retry_after})


async def _count_failure(limiter: Limiter, buckets: list[tuple[str, Rate]]) -> None:
    for key, rate in buckets:
        await limiter.take(key, rate)


async def login(
    session: AsyncSession,
    settings: Settings,
    limiter: Limiter,
    email: str,
    password: str,
    ip: str,
) -> TokenPair:
    normalised = normalise_email(email) or email.strip().lower()
    buckets = _login_buckets(settings, normalised, ip)
    # Failures empty the buckets; a bucket refills one failure's worth at a time, so a client
    # over the limit waits seconds to minutes, never the whole window.
    await _refuse_if_throttled(limiter, buckets)
    user = await repository.get_user_by_email(session, normalised)
    # Unknown accounts are checked against a dummy hash: same answer, same time.
    stored = user.password_hash if user is not None else dummy_hash(settings.bcrypt_rounds)
    matches = await to_thread.run_sync(verify_password, password[:1024], stored)
    if user is None or not matches or not user.is_active:
        await _count_failure(limiter, buckets)
        raise InvalidCredentials()
    if user.suspended_at is not None:  # said only to whoever knows the password
        raise AccountSuspended()
    return await _issue_pair(session, settings, user, family_id=uuid.uuid4())


async def allow_registration(settings: Settings, limiter: Limiter, ip: str) -> None:
    """Registrations per IP are limited like failed logins: `email_taken` tells whether an
    address has an account, so it must not be asked at volume."""
    decision = await limiter.take(
        f"register:{ip}", Rate(settings.register_max_per_ip, settings.register_window_seconds)
    )
    if not decision.allowed:
        raise TooManyRegistrations(headers={"Retry-After": decision.retry_after})


async def _issue_pair(
    session: AsyncSession, settings: Settings, user: User, family_id: uuid.UUID
) -> TokenPair:
    # The access token names its login (the refresh family): it works while the login does.
    access, _ = tokens.issue(
        settings.jwt_secret,
        user.id,
        "access",
        settings.access_token_ttl_seconds,
        family_id=family_id,
    )
    refresh, claims = tokens.issue(
        settings.jwt_secret,
        user.id,
        "refresh",
        settings.refresh_token_ttl_seconds,
        family_id=family_id,
    )
    await repository.add_refresh_token(
        session,
        RefreshToken(
            jti=claims.jti,
            user_id=user.id,
            family_id=family_id,
            expires_at=claims.expires_at,
            revoked_at=None,
        ),
    )
    return TokenPair(
        token=access,
        refresh_token=refresh,
        expires_in=settings.access_token_ttl_seconds,
        user_id=user.id,
        email=user.email,
        role=user.role,
    )


async def _consume_refresh_token(
    session: AsyncSession, settings: Settings, token: str
) -> tuple[User, RefreshToken]:
    try:
        claims = tokens.decode(settings.jwt_secret, token, "refresh")
    except tokens.InvalidToken as error:
        raise InvalidSession() from error
    stored = await repository.lock_refresh_token(session, claims.jti)
    if stored is None or stored.user_id != claims.user_id:
        raise InvalidSession()
    now = _now()
    if stored.revoked_at is not None or stored.used_at is not None:
        # A used token presented again means it leaked: end the whole login.
        await repository.revoke_family(session, stored.family_id, now)
        raise InvalidSession(commit_changes=True)
    user = await repository.get_user(session, stored.user_id)
    if user is None or not _may_sign_in(user) or stored.expires_at <= now:
        raise InvalidSession()
    stored.used_at = now
    stored.revoked_at = now
    return user, stored


async def refresh(session: AsyncSession, settings: Settings, token: str) -> TokenPair:
    user, used = await _consume_refresh_token(session, settings, token)
    return await _issue_pair(session, settings, user, family_id=used.family_id)


async def logout(session: AsyncSession, settings: Settings, user: User, token: str) -> None:
    try:
        claims = tokens.decode(settings.jwt_secret, token, "refresh")
    except tokens.InvalidToken as error:
        raise InvalidSession() from error
    stored = await repository.lock_refresh_token(session, claims.jti)
    if stored is None or stored.user_id != user.id:
        raise InvalidSession()
    await repository.revoke_family(session, stored.family_id, _now())


async def authenticate(session: AsyncSession, settings: Settings, token: str) -> User:
    """The active user an access token belongs to, while its login lasts: logout, a password
    change or a suspension (end_all_sessions) ends it at once, not when the token expires. A
    token that names no login (issued before logins were named) lives until it expires."""
    try:
        claims = tokens.decode(settings.jwt_secret, token, "access")
    except tokens.InvalidToken as error:
        raise InvalidSession() from error
    if claims.family_id is None:
        user = await repository.get_user(session, claims.user_id)
    else:
        user = await repository.get_user_of_live_login(
            session, claims.user_id, claims.family_id, _now()
        )
    if user is None or not _may_sign_in(user):
        raise InvalidSession()
    return user


def _may_sign_in(user: User) -> bool:
    return user.is_active and user.suspended_at is None


async def active_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    user = await repository.get_user(session, user_id)
    return user if user is not None and user.is_active else None


async def end_all_sessions(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Revoke every login of the user, their access tokens with them: for a password change, a
    suspension, a deletion."""
    await repository.revoke_all_for_user(session, user_id, _now())


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await repository.lock_user(session, user_id)


async def suspend(session: AsyncSession, user: User, reason: str) -> None:
    """No more sign-ins for `user` (locked by the caller), and every live token (access and
    refresh) ends now."""
    user.suspended_at = _now()
    user.suspension_reason = reason
    await repository.flush(session)
    await end_all_sessions(session, user.id)


async def unsuspend(session: AsyncSession, user: User) -> None:
    user.suspended_at = None
    user.suspension_reason = None
    await repository.flush(session)


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await repository.get_user(session, user_id)


async def update_profile(session: AsyncSession, user: User, data: ProfileUpdate) -> User:
    """Change the company name and/or phone; only the fields the request names."""
    if "company_name" in data.model_fields_set:
        if data.company_name is None:
            raise field_error("company_name", "The company name cannot be removed.")
        user.company_name = data.company_name
    if "phone" in data.model_fields_set:
        user.phone = data.phone
    await repository.flush(session)
    return user


async def change_password(
    session: AsyncSession,
    settings: Settings,
    limiter: Limiter,
    user: User,
    data: PasswordChange,
    ip: str,
) -> TokenPair:
    """Set a new password after checking the current one, end every login of the account (this
    one too) and start a new login for the caller. A wrong current password counts as a failed
    login of the account: a stolen access token cannot be used to guess the password."""
    buckets = _login_buckets(settings, user.email, ip)
    await _refuse_if_throttled(limiter, buckets)
    locked = await repository.lock_user(session, user.id)
    if locked is None:
        raise InvalidSession()
    matches = await to_thread.run_sync(
        verify_password, data.current_password[:1024], locked.password_hash
    )
    if not matches:
        await _count_failure(limiter, buckets)
        raise field_error("current_password", "The current password is not correct.")
    if data.new_password == data.current_password:
        raise field_error("new_password", "The new password must differ from the current one.")
    locked.password_hash = await to_thread.run_sync(
        hash_password, data.new_password, settings.bcrypt_rounds
    )
    await repository.flush(session)
    await end_all_sessions(session, locked.id)
    return await _issue_pair(session, settings, locked, family_id=uuid.uuid4())
