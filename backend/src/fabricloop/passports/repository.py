import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material, SustainabilityMetric
from fabricloop.passports.models import DigitalProductPassport, PassportChange


async def add_passport(session: AsyncSession, material_id: uuid.UUID) -> DigitalProductPassport:
    # ON CONFLICT: two requests may both find a (legacy) material without a passport.
    await session.execute(
        insert(DigitalProductPassport)
        .values(material_id=material_id)
        .on_conflict_do_nothing(index_elements=["material_id"])
    )
    passport = await get_passport(session, material_id)
    assert passport is not None
    return passport


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


async def get_material(
    session: AsyncSession, material_id: uuid.UUID, *, for_update: bool = False
) -> Material | None:
    """The material row, soft-deleted ones included: the passport outlives its listing."""
    statement = select(Material).where(Material.id == material_id)
    if for_update:
        statement = statement.with_for_update()
    result = await session.execute(statement)
    return result.scalar_one_or_none()


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def add_change(session: AsyncSession, change: PassportChange) -> PassportChange:
    session.add(change)
    await session.flush()
    await session.refresh(change)
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


async def list_changes(
    session: AsyncSession, passport_id: uuid.UUID
) -> Sequence[tuple[PassportChange, str | None]]:
    result = await session.execute(
        select(PassportChange, User.company_name)
        .outerjoin(User, User.id == PassportChange.changed_by)
        .where(PassportChange.passport_id == passport_id)
        .order_by(PassportChange.changed_at, PassportChange.id)
    )
    return [(row[0], row[1]) for row in result.all()]


async def add_metric(session: AsyncSession, metric: SustainabilityMetric) -> SustainabilityMetric:
    session.add(metric)
    await session.flush()
    await session.refresh(metric)
    return metric


async def list_metrics(
    session: AsyncSession, material_id: uuid.UUID
) -> Sequence[SustainabilityMetric]:
    result = await session.execute(
        select(SustainabilityMetric)
        .where(SustainabilityMetric.material_id == material_id)
        .order_by(SustainabilityMetric.recorded_at.desc(), SustainabilityMetric.id.desc())
    )
    return result.scalars().all()
