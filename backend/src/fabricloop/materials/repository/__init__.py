"""Every SQL statement of listings: here, in search.py (the search) and in stock.py (a
listing's stock)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, column, delete, exists, func, or_, select, table, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.db import Direct
from fabricloop.images.models import Image
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    MaterialLot,
    MaterialPublication,
    SustainabilityMetric,
)

# The transactions of a listing, by table name: the transactions domain builds on this one
# (it reserves stock here), so its models are not imported (no package cycle).
_transactions = table(
    "transactions", column("material_id"), column("buyer_id"), column("seller_id")
)


@dataclass(frozen=True)
class MaterialRow:
    material: Material
    company_name: str
    passport_id: uuid.UUID | None
    seller_verified: bool


async def get_material_row(session: AsyncSession, material_id: uuid.UUID) -> MaterialRow | None:
    """The material with its seller's name and its passport id; deleted ones included."""
    result = await session.execute(
        select(
            Material, User.company_name, DigitalProductPassport.id, User.verified_at.is_not(None)
        )
        .join(User, User.id == Material.seller_id)
        .outerjoin(DigitalProductPassport, DigitalProductPassport.material_id == Material.id)
        .where(Material.id == material_id)
    )
    row = result.first()
    if row is None:
        return None
    return MaterialRow(
        material=row[0], company_name=row[1], passport_id=row[2], seller_verified=row[3]
    )


# Built once and sent through asyncpg (core.db.Direct): every edit of a listing locks it.
_LOCK = Direct(select(Material).where(Material.id == bindparam("material_id")).with_for_update())


async def lock_material(session: AsyncSession, material_id: uuid.UUID) -> Material | None:
    """The material row locked for this transaction, so stock changes queue behind an edit."""
    return await _LOCK.load(session, Material, {"material_id": material_id}, populate_existing=True)


async def add_material(session: AsyncSession, material: Material) -> Material:
    # The INSERT's RETURNING fills in what the database generates (id, timestamps, the
    # search vector): every other column is what the service set.
    session.add(material)
    await session.flush()
    return material


async def save_material(session: AsyncSession, material: Material) -> Material:
    """Write the changes to a locked material whose `updated_at` the caller set: the row is
    then what the object holds, so nothing is read back."""
    await session.flush()
    return material


async def flush_material(session: AsyncSession, material: Material) -> Material:
    """Write the changes and read the row back (server-side `updated_at`, or changes made
    by statements the session did not track)."""
    await session.flush()
    await session.refresh(material)
    return material


async def is_transaction_party(
    session: AsyncSession, material_id: uuid.UUID, user_id: uuid.UUID
) -> bool:
    query = select(
        exists().where(
            _transactions.c.material_id == material_id,
            (_transactions.c.buyer_id == user_id) | (_transactions.c.seller_id == user_id),
        )
    )
    return bool(await session.scalar(query))


async def titles_visible_to(
    session: AsyncSession,
    material_ids: Sequence[uuid.UUID],
    viewer_id: uuid.UUID,
    public_statuses: Sequence[str],
    everything: bool,
) -> dict[uuid.UUID, str]:
    """(id -> title) of the listings among `material_ids` that are not deleted and are public,
    the viewer's own, or one of the viewer's transactions (all of them when `everything`)."""
    query = select(Material.id, Material.title).where(
        Material.id.in_(material_ids), Material.deleted_at.is_(None)
    )
    if not everything:
        query = query.where(
            or_(
                Material.status.in_(public_statuses),
                Material.seller_id == viewer_id,
                exists().where(
                    _transactions.c.material_id == Material.id,
                    (_transactions.c.buyer_id == viewer_id)
                    | (_transactions.c.seller_id == viewer_id),
                ),
            )
        )
    return {row.id: row.title for row in await session.execute(query)}


async def latest_metric(
    session: AsyncSession, material_id: uuid.UUID
) -> SustainabilityMetric | None:
    result = await session.execute(
        select(SustainabilityMetric)
        .where(SustainabilityMetric.material_id == material_id)
        .order_by(SustainabilityMetric.recorded_at.desc(), SustainabilityMetric.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def add_metric(session: AsyncSession, metric: SustainabilityMetric) -> SustainabilityMetric:
    session.add(metric)
    await session.flush()
    await session.refresh(metric)
    return metric


async def material_images(session: AsyncSession, material_id: uuid.UUID) -> list[Image]:
    result = await session.execute(
        select(Image)
        .where(Image.material_id == material_id)
        .order_by(Image.position, Image.created_at, Image.id)
    )
    return list(result.scalars())


async def images_by_id(session: AsyncSession, image_ids: Sequence[uuid.UUID]) -> list[Image]:
    """The images with these ids, locked so two listings can't claim one image at once."""
    if not image_ids:
        return []
    result = await session.execute(
        select(Image).where(Image.id.in_(image_ids)).order_by(Image.id).with_for_update()
    )
    return list(result.scalars())


async def set_images(
    session: AsyncSession, material_id: uuid.UUID, image_ids: Sequence[uuid.UUID]
) -> None:
    """Attach exactly these images, in this order; images no longer listed are released."""
    await session.execute(
        update(Image)
        .where(Image.material_id == material_id, Image.id.not_in(image_ids))
        .values(material_id=None, position=0)
    )
    for position, image_id in enumerate(image_ids):
        await session.execute(
            update(Image)
            .where(Image.id == image_id)
            .values(material_id=material_id, position=position)
        )


_LOTS = (
    select(MaterialLot)
    .where(MaterialLot.material_id == bindparam("material_id"))
    .order_by(MaterialLot.position, MaterialLot.lot_code)
)
_LOT_QUANTITIES = Direct(_LOTS.with_only_columns(MaterialLot.quantity))


async def material_lots(session: AsyncSession, material_id: uuid.UUID) -> list[MaterialLot]:
    result = await session.execute(_LOTS, {"material_id": material_id})
    return list(result.scalars())


async def lot_quantities(session: AsyncSession, material_id: uuid.UUID) -> list[Decimal]:
    """The quantity of each of the listing's lots (none: not sold by lot), in their order."""
    return [
        row["quantity"]
        for row in await _LOT_QUANTITIES.fetch(session, {"material_id": material_id})
    ]


async def replace_lots(
    session: AsyncSession, material_id: uuid.UUID, lots: Sequence[dict[str, object]]
) -> None:
    """Make the listing's lots exactly these (rows matched by lot_code keep their id, so
    whatever refers to a lot stays attached); the caller holds the material's row lock."""
    codes = [lot["lot_code"] for lot in lots]
    await session.execute(
        delete(MaterialLot).where(
            MaterialLot.material_id == material_id, MaterialLot.lot_code.not_in(codes)
        )
    )
    if not lots:
        return
    statement = insert(MaterialLot).values(
        [{**lot, "material_id": material_id, "position": i} for i, lot in enumerate(lots)]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[MaterialLot.material_id, MaterialLot.lot_code],
            set_={
                column: statement.excluded[column]
                for column in ("quantity", "color", "grade", "width_cm", "weight_gsm", "position")
            },
        )
    )


_ADD_PUBLICATION = Direct(
    insert(MaterialPublication)
    .values(material_id=bindparam("material_id"))
    .on_conflict_do_nothing(index_elements=[MaterialPublication.material_id])
)


async def add_publication(session: AsyncSession, material_id: uuid.UUID) -> None:
    """Queue a newly published listing for the saved-search alerts (once while queued)."""
    await _ADD_PUBLICATION.fetch(session, {"material_id": material_id})


async def take_publications(session: AsyncSession, limit: int) -> list[uuid.UUID]:
    """Remove and return the oldest queued publications, skipping those another transaction
    is taking (they come back if it rolls back)."""
    oldest = (
        select(MaterialPublication.material_id)
        .order_by(MaterialPublication.published_at, MaterialPublication.material_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    result = await session.execute(
        delete(MaterialPublication)
        .where(MaterialPublication.material_id.in_(oldest))
        .returning(MaterialPublication.material_id)
    )
    return list(result.scalars())


async def seller_catalogue(
    session: AsyncSession, seller_id: uuid.UUID, status: str | None, offset: int, limit: int
) -> tuple[list[tuple[Material, str | None]], int]:
    """A seller's listings (not deleted; of one status, or all), newest first, each with its
    first thumbnail's key, and their number."""
    conditions = [Material.seller_id == seller_id, Material.deleted_at.is_(None)]
    if status is not None:
        conditions.append(Material.status == status)
    thumbnail = (
        select(Image.thumbnail_key)
        .where(Image.material_id == Material.id)
        .order_by(Image.position, Image.created_at, Image.id)
        .limit(1)
        .scalar_subquery()
    )
    total = await session.scalar(select(func.count()).select_from(Material).where(*conditions))
    rows = await session.execute(
        select(Material, thumbnail)
        .where(*conditions)
        .order_by(Material.created_at.desc(), Material.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows], total or 0


async def referencing_certificates(
    session: AsyncSession, certificate_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """The listings whose certifications reference one of these certificates."""
    if not certificate_ids:
        return []
    matches = [
        Material.certifications.contains([{"certificate_id": str(i)}]) for i in certificate_ids
    ]
    result = await session.execute(select(Material.id).where(or_(*matches)))
    return list(result.scalars())
