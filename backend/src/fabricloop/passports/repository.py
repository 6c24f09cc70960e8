import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import (
    Material,
    MaterialLot,
    PassportChange,
)


async def get_material(
    session: AsyncSession, material_id: uuid.UUID, *, for_update: bool = False
) -> Material | None:
    """The material row, soft-deleted ones included: the passport outlives its listing."""
    statement = select(Material).where(Material.id == material_id)
    if for_update:
        statement = statement.with_for_update()
    result = await session.execute(statement)
    return result.scalar_one_or_none()


async def find_material_by_gtin(session: AsyncSession, forms: list[str]) -> Material | None:
    """The newest listing, not a draft, whose GTIN is one of `forms` (one GTIN in the lengths
    it may have been written in); deleted ones included: the passport outlives its listing."""
    result = await session.execute(
        select(Material)
        .where(Material.gtin.in_(forms), Material.status != "draft")
        .order_by(Material.created_at.desc(), Material.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def list_lots(session: AsyncSession, material_id: uuid.UUID) -> list[MaterialLot]:
    """The listing's lots in the seller's order; each lot's id is its passport's id."""
    result = await session.execute(
        select(MaterialLot)
        .where(MaterialLot.material_id == material_id)
        .order_by(MaterialLot.position, MaterialLot.lot_code)
    )
    return list(result.scalars())


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


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
