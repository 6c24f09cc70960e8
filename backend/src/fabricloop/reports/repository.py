import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Select, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.materials.models import Material, SustainabilityMetric
from fabricloop.transactions.models import Transaction

# A purchase counts once its payment succeeded; a cancelled or pending one never does.
PAID_STATUSES = ("paid", "shipped", "completed")
Side = Literal["purchases", "sales"]


@dataclass(frozen=True)
class Purchase:
    transaction_id: uuid.UUID
    paid_at: datetime
    quantity_kg: Decimal
    material_id: uuid.UUID
    title: str
    material_type: str
    source_type: str
    composition: list[dict[str, Any]]
    origin_country: str | None
    carbon_footprint: Decimal | None
    water_usage: Decimal | None


def _purchase_rows(*conditions: Any) -> Select[Any]:
    """Paid transactions matching `conditions`, oldest payment first, each with the
    material's latest seller metrics (one row per material, via LATERAL)."""
    latest = (
        select(SustainabilityMetric.carbon_footprint, SustainabilityMetric.water_usage)
        .where(SustainabilityMetric.material_id == Transaction.material_id)
        .order_by(SustainabilityMetric.recorded_at.desc(), SustainabilityMetric.id.desc())
        .limit(1)
        .lateral("latest_metric")
    )
    return (
        select(
            Transaction.id,
            Transaction.paid_at,
            Transaction.quantity_kg,
            Material.id,
            Material.title,
            Material.material_type,
            Material.source_type,
            Material.composition,
            Material.origin_country,
            latest.c.carbon_footprint,
            latest.c.water_usage,
        )
        .join(Material, Material.id == Transaction.material_id)
        .outerjoin(latest, true())
        .where(*conditions)
        .order_by(Transaction.paid_at, Transaction.id)
    )


async def purchases(
    session: AsyncSession,
    party_id: uuid.UUID | None,
    side: Side,
    start: datetime,
    end: datetime,
) -> Sequence[Purchase]:
    """The party's (None: every party's) paid purchases (as buyer) or sales (as seller) with
    start <= paid_at < end, oldest first."""
    party = Transaction.buyer_id if side == "purchases" else Transaction.seller_id
    statement = _purchase_rows(
        true() if party_id is None else party == party_id,
        Transaction.status.in_(PAID_STATUSES),
        Transaction.paid_at >= start,
        Transaction.paid_at < end,
    )
    result = await session.execute(statement)
    return [Purchase(*row) for row in result.all()]


async def completed_orders(session: AsyncSession, seller_id: uuid.UUID) -> Sequence[Purchase]:
    """Every completed order (not a sample) of the seller, oldest payment first."""
    statement = _purchase_rows(
        Transaction.seller_id == seller_id,
        Transaction.status == "completed",
        Transaction.kind == "order",
    )
    result = await session.execute(statement)
    return [Purchase(*row) for row in result.all()]
