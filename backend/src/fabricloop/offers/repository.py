"""Every SQL statement of offers."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from fabricloop.auth.models import User
from fabricloop.core.db import execute_rowcount
from fabricloop.materials.models import Material
from fabricloop.offers.models import Offer

Buyer = aliased(User, name="buyer")
Seller = aliased(User, name="seller")


@dataclass(frozen=True)
class OfferView:
    offer: Offer
    material_title: str
    unit: str
    buyer_company: str
    seller_company: str
    buyer_verified: bool
    seller_verified: bool


def _view_query() -> Select[Offer, str, str, str, str, bool, bool]:
    return (
        select(
            Offer,
            Material.title,
            Material.unit,
            Buyer.company_name,
            Seller.company_name,
            Buyer.verified_at.is_not(None),
            Seller.verified_at.is_not(None),
        )
        .join(Material, Material.id == Offer.material_id)
        .join(Buyer, Buyer.id == Offer.buyer_id)
        .join(Seller, Seller.id == Offer.seller_id)
    )


def _view(row: tuple[Offer, str, str, str, str, bool, bool]) -> OfferView:
    return OfferView(*row)


async def add(session: AsyncSession, offer: Offer) -> Offer:
    session.add(offer)
    await session.flush()
    await session.refresh(offer)
    return offer


async def lock(session: AsyncSession, offer_id: uuid.UUID) -> Offer | None:
    """The offer locked to the end of the transaction: rounds and answers are serialised."""
    result = await session.execute(
        select(Offer)
        .where(Offer.id == offer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def get_view(session: AsyncSession, offer_id: uuid.UUID) -> OfferView | None:
    row = (await session.execute(_view_query().where(Offer.id == offer_id))).first()
    return None if row is None else _view(tuple(row))  # type: ignore[arg-type]


def _status_condition(status: str, now: datetime) -> ColumnElement[bool]:
    # An open offer past its expiry is expired, whether or not a request has recorded it yet.
    if status == "open":
        return and_(Offer.status == "open", Offer.expires_at > now)
    if status == "expired":
        return or_(Offer.status == "expired", and_(Offer.status == "open", Offer.expires_at <= now))
    return Offer.status == status


async def list_views(
    session: AsyncSession,
    user_id: uuid.UUID,
    role: Literal["buyer", "seller"] | None,
    status: str | None,
    now: datetime,
    offset: int,
    limit: int,
) -> tuple[list[OfferView], int]:
    if role == "buyer":
        conditions = [Offer.buyer_id == user_id]
    elif role == "seller":
        conditions = [Offer.seller_id == user_id]
    else:
        conditions = [or_(Offer.buyer_id == user_id, Offer.seller_id == user_id)]
    if status is not None:
        conditions.append(_status_condition(status, now))
    total = await session.scalar(select(func.count()).select_from(Offer).where(*conditions))
    rows = await session.execute(
        _view_query()
        .where(*conditions)
        .order_by(Offer.updated_at.desc(), Offer.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [_view(tuple(r)) for r in rows], total or 0  # type: ignore[arg-type]


async def save(session: AsyncSession) -> None:
    """Write the changes made to a locked offer."""
    await session.flush()


async def expire_due(session: AsyncSession, now: datetime) -> int:
    """Record every open offer past its expiry as `expired`; a conditional update, so a round
    or an answer racing it either lands first (and the offer is no longer due) or finds it
    expired."""
    return await execute_rowcount(
        session,
        update(Offer)
        .where(Offer.status == "open", Offer.expires_at <= now)
        .values(status="expired", updated_at=now)
        .execution_options(synchronize_session=False),
    )
