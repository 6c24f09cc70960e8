"""The statements on a listing's passport record: the passport row, created with the
listing, and its log of changes (materials.passport_log writes them)."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, Uuid, bindparam, func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import Direct, flush_pending
from fabricloop.materials.models import DigitalProductPassport, PassportChange, SustainabilityMetric

# A material's passport unless it has one (two requests may both find a legacy material
# without one); built once.
_INSERT_PASSPORT = (
    insert(DigitalProductPassport)
    .values(material_id=bindparam("material_id", type_=Uuid))
    .on_conflict_do_nothing(index_elements=["material_id"])
)
_ADD_PASSPORT = _INSERT_PASSPORT.returning(DigitalProductPassport)


async def add_passport(
    session: AsyncSession, material_id: uuid.UUID
) -> DigitalProductPassport | None:
    """The material's new passport, read from the INSERT's RETURNING; None when it already
    had one (ON CONFLICT: two requests may both find a legacy material without a passport)."""
    result = await session.scalars(_ADD_PASSPORT, {"material_id": material_id})
    return result.one_or_none()


# A new listing's passport and its `created` change in one round trip (the change only when
# the passport is new: ON CONFLICT leaves the CTE empty). Built once, sent through asyncpg.
_NEW_PASSPORT = _INSERT_PASSPORT.returning(*DigitalProductPassport.__table__.columns).cte(
    "passport"
)
_CREATED = (
    insert(PassportChange)
    .from_select(
        ["passport_id", "changed_by", "kind", "changes"],
        select(
            _NEW_PASSPORT.c.id,
            bindparam("changed_by", type_=Uuid),
            literal("created", String),
            bindparam("changes", type_=JSONB),
        ),
    )
    .cte("created")
)
_ADD_PASSPORT_CREATED = Direct(select(_NEW_PASSPORT).add_cte(_CREATED))


async def add_passport_created(
    session: AsyncSession,
    material_id: uuid.UUID,
    changed_by: uuid.UUID | None,
    changes: dict[str, Any],
) -> DigitalProductPassport | None:
    """The material's new passport with its `created` change holding `changes` (JSON-ready);
    None, and no change, when it had one already."""
    await flush_pending(session)  # the material's row first, as an ORM insert would
    return await _ADD_PASSPORT_CREATED.load(
        session,
        DigitalProductPassport,
        {"material_id": material_id, "changed_by": changed_by, "changes": changes},
    )


async def get_passport(
    session: AsyncSession, material_id: uuid.UUID
) -> DigitalProductPassport | None:
    # populate_existing: updated_at is bumped by a bulk UPDATE the identity map doesn't see.
    result = await session.execute(
        select(DigitalProductPassport)
        .where(DigitalProductPassport.material_id == material_id)
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def add_change(session: AsyncSession, change: PassportChange) -> PassportChange:
    # The INSERT's RETURNING fills in the id and changed_at.
    session.add(change)
    await session.flush()
    return change


async def touch_passport(session: AsyncSession, passport_id: uuid.UUID) -> None:
    # clock_timestamp(), not now(): the change rows use it, and now() is frozen for the
    # whole transaction.
    await session.execute(
        update(DigitalProductPassport)
        .where(DigitalProductPassport.id == passport_id)
        .values(updated_at=func.clock_timestamp())
        .execution_options(synchronize_session=False)
    )


async def list_metrics(
    session: AsyncSession, material_id: uuid.UUID
) -> Sequence[SustainabilityMetric]:
    result = await session.execute(
        select(SustainabilityMetric)
        .where(SustainabilityMetric.material_id == material_id)
        .order_by(SustainabilityMetric.recorded_at.desc(), SustainabilityMetric.id.desc())
    )
    return result.scalars().all()
