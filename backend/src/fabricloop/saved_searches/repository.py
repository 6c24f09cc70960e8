"""Every SQL statement of saved searches."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.saved_searches.models import SavedSearch, SavedSearchMatch


async def count_of(session: AsyncSession, user_id: uuid.UUID) -> int:
    total = await session.scalar(
        select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)
    )
    return total or 0


async def add(
    session: AsyncSession, user_id: uuid.UUID, name: str, query: dict[str, Any], alert: bool
) -> SavedSearch:
    saved = SavedSearch(user_id=user_id, name=name, query=query, alert=alert)
    session.add(saved)
    await session.flush()
    await session.refresh(saved)
    return saved


async def page_of(
    session: AsyncSession, user_id: uuid.UUID, offset: int, limit: int
) -> Sequence[SavedSearch]:
    result = await session.execute(
        select(SavedSearch)
        .where(SavedSearch.user_id == user_id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return result.scalars().all()


async def remove(session: AsyncSession, user_id: uuid.UUID, saved_search_id: uuid.UUID) -> bool:
    result = await session.execute(
        delete(SavedSearch)
        .where(SavedSearch.id == saved_search_id, SavedSearch.user_id == user_id)
        .returning(SavedSearch.id)
    )
    return result.first() is not None


async def alerting(session: AsyncSession) -> Sequence[SavedSearch]:
    result = await session.execute(
        select(SavedSearch).where(SavedSearch.alert).order_by(SavedSearch.created_at)
    )
    return result.scalars().all()


async def add_match(
    session: AsyncSession, saved_search_id: uuid.UUID, material_id: uuid.UUID
) -> bool:
    """Record a match; False when this search had matched this listing before."""
    result = await session.execute(
        insert(SavedSearchMatch)
        .values(saved_search_id=saved_search_id, material_id=material_id)
        .on_conflict_do_nothing()
        .returning(SavedSearchMatch.material_id)
    )
    return result.first() is not None


async def user_searches(session: AsyncSession, user_id: uuid.UUID) -> Sequence[SavedSearch]:
    result = await session.execute(
        select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.created_at)
    )
    return result.scalars().all()
