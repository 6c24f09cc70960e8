"""Saved searches: a user's named searches, and the alerts of new listings that match them.

A listing newly published is queued by the listings' service (materials.MaterialPublication)
in its own transaction; the job `match_saved_searches` (enqueued after that commit, and run
every minute by the worker in case an enqueue was lost) takes a batch of them, runs every
alerting saved search against the batch, records each match once and notifies the search's
owner, all in one transaction: a crash retries the whole batch, and nothing is notified twice.
"""

import uuid
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.pagination import Page
from fabricloop.core.queue import enqueue_after_commit
from fabricloop.materials import service as materials
from fabricloop.materials.errors import InvalidSearch
from fabricloop.notifications import service as notifications
from fabricloop.saved_searches import repository
from fabricloop.saved_searches.errors import SavedSearchNotFound, TooManySavedSearches
from fabricloop.saved_searches.models import SavedSearch
from fabricloop.saved_searches.schemas import (
    SavedQuery,
    SavedSearchCreate,
    SavedSearchList,
    SavedSearchOut,
)

log = structlog.get_logger(__name__)

MAX_SAVED_SEARCHES = 100
# Listings matched per run of the job (one transaction); a full batch asks for another run.
BATCH = 200
NOT_KEPT = {"page", "limit"}


def stored_query(query: SavedQuery) -> dict[str, Any]:
    """The parameters as checked, without defaults, page or limit, as JSON values."""
    return query.model_dump(mode="json", exclude_defaults=True, exclude=NOT_KEPT)


def _out(saved: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(
        saved_search_id=saved.id,
        name=saved.name,
        query=saved.query,
        alert=saved.alert,
        created_at=saved.created_at,
    )


async def create(session: AsyncSession, user: User, data: SavedSearchCreate) -> SavedSearchOut:
    if await repository.count_of(session, user.id) >= MAX_SAVED_SEARCHES:
        raise TooManySavedSearches()
    saved = await repository.add(session, user.id, data.name, stored_query(data.query), data.alert)
    return _out(saved)


async def list_saved(session: AsyncSession, user: User, page: Page) -> SavedSearchList:
    rows = await repository.page_of(session, user.id, page.offset, page.limit)
    return SavedSearchList(
        saved_searches=[_out(s) for s in rows],
        total=await repository.count_of(session, user.id),
        page=page.page,
        limit=page.limit,
    )


async def delete(session: AsyncSession, user: User, saved_search_id: uuid.UUID) -> None:
    if not await repository.remove(session, user.id, saved_search_id):
        raise SavedSearchNotFound()


async def export_of(session: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """The user's saved searches, for the account export."""
    return [_out(s).model_dump() for s in await repository.user_searches(session, user_id)]


async def _matches(
    session: AsyncSession, saved: SavedSearch, material_ids: list[uuid.UUID]
) -> list[tuple[uuid.UUID, str]]:
    try:
        query = SavedQuery.model_validate(saved.query).query()
        return await materials.matching_listings(session, query, material_ids, saved.user_id)
    except (ValidationError, InvalidSearch) as error:
        # A vocabulary or the reference rates changed since it was saved: it matches nothing.
        log.warning("saved search not run", saved_search_id=str(saved.id), error=str(error))
        return []


async def match_new_listings(session: AsyncSession) -> int:
    """The periodic job: notify the owners of alerting saved searches of the newly published
    listings they match (a batch per run); returns the number of notifications."""
    material_ids = await materials.take_publications(session, BATCH)
    if not material_ids:
        return 0
    if len(material_ids) == BATCH:
        enqueue_after_commit(session, materials.MATCH_SAVED_SEARCHES)
    notified = 0
    for saved in await repository.alerting(session):
        for material_id, title in await _matches(session, saved, material_ids):
            if not await repository.add_match(session, saved.id, material_id):
                continue
            await notifications.notify(
                session,
                saved.user_id,
                "saved_search_match",
                f"New listing for your search “{saved.name}”",
                title,
                link=f"/materials/{material_id}",
            )
            notified += 1
    return notified
