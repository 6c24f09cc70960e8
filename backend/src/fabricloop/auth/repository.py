import uuid
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import RefreshToken, User
from fabricloop.core.db import Direct


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


# Built once and sent through asyncpg (core.db.Direct), as every authenticated request runs it:
# building the statement and loading the row through the ORM cost more CPU than running it.
_USER_OF_LIVE_LOGIN = Direct(
    select(User).where(
        User.id == bindparam("user_id"),
        select(RefreshToken.jti)
        .where(
            RefreshToken.user_id == bindparam("user_id"),
            RefreshToken.family_id == bindparam("family_id"),
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > bindparam("now"),
        )
        .exists(),
    )
)


async def get_user_of_live_login(
    session: AsyncSession, user_id: uuid.UUID, family_id: uuid.UUID, now: datetime
) -> User | None:
    """The user, if the login `family_id` still has a refresh token neither revoked nor
    expired (one statement: the check costs no extra round trip)."""
    return await _USER_OF_LIVE_LOGIN.load(
        session, User, {"user_id": user_id, "family_id": family_id, "now": now}
    )


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == email))
    return result.scalar_one_or_none()


async def email_exists(session: AsyncSession, email: str) -> bool:
    result = await session.execute(select(User.id).where(User.email == email))
    return result.first() is not None


async def add_user(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    await session.refresh(user)
    return user


async def add_refresh_token(session: AsyncSession, token: RefreshToken) -> None:
    session.add(token)
    await session.flush()


async def lock_refresh_token(session: AsyncSession, jti: uuid.UUID) -> RefreshToken | None:
    result = await session.execute(
        select(RefreshToken).where(RefreshToken.jti == jti).with_for_update()
    )
    return result.scalar_one_or_none()


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, at: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )


async def revoke_all_for_user(session: AsyncSession, user_id: uuid.UUID, at: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    result = await session.execute(
        select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def flush(session: AsyncSession) -> None:
    await session.flush()
