"""Every SQL statement of the account domain: reading all of one user's records for the export,
deactivating an account, and anonymising accounts past their grace period."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from fabricloop.auth.models import RefreshToken, User
from fabricloop.images.models import Image
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    PassportChange,
    SustainabilityMetric,
)
from fabricloop.messages.models import Message
from fabricloop.offers.models import Offer
from fabricloop.payments.models import Payment
from fabricloop.transactions.models import Transaction

# Never exported: secrets, and derived columns that carry nothing of the user's own.
EXCLUDED_COLUMNS = {"password_hash", "search_vector"}


def as_record(row: DeclarativeBase) -> dict[str, Any]:
    """Every mapped column of a row, by column name (an export stays complete as tables grow)."""
    table = row.__table__
    return {
        column.name: getattr(row, column.key)
        for column in row.__mapper__.columns
        if column.table is table and column.name not in EXCLUDED_COLUMNS
    }


async def user_materials(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Material]:
    result = await session.execute(
        select(Material).where(Material.seller_id == user_id).order_by(Material.created_at)
    )
    return result.scalars().all()


async def metrics_of(
    session: AsyncSession, material_ids: Sequence[uuid.UUID]
) -> Sequence[SustainabilityMetric]:
    result = await session.execute(
        select(SustainabilityMetric)
        .where(SustainabilityMetric.material_id.in_(material_ids))
        .order_by(SustainabilityMetric.recorded_at)
    )
    return result.scalars().all()


async def passports_of(
    session: AsyncSession, material_ids: Sequence[uuid.UUID]
) -> Sequence[DigitalProductPassport]:
    result = await session.execute(
        select(DigitalProductPassport).where(DigitalProductPassport.material_id.in_(material_ids))
    )
    return result.scalars().all()


async def passport_changes_of(
    session: AsyncSession, passport_ids: Sequence[uuid.UUID]
) -> Sequence[PassportChange]:
    result = await session.execute(
        select(PassportChange)
        .where(PassportChange.passport_id.in_(passport_ids))
        .order_by(PassportChange.changed_at)
    )
    return result.scalars().all()


async def user_images(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Image]:
    result = await session.execute(
        select(Image).where(Image.owner_id == user_id).order_by(Image.created_at)
    )
    return result.scalars().all()


async def user_transactions(
    session: AsyncSession, user_id: uuid.UUID
) -> Sequence[tuple[Transaction, str]]:
    """The user's purchases and sales, each with the listing's title."""
    result = await session.execute(
        select(Transaction, Material.title)
        .join(Material, Material.id == Transaction.material_id)
        .where(or_(Transaction.buyer_id == user_id, Transaction.seller_id == user_id))
        .order_by(Transaction.created_at)
    )
    return [(row[0], row[1]) for row in result.all()]


async def payments_of(
    session: AsyncSession, transaction_ids: Sequence[uuid.UUID]
) -> Sequence[Payment]:
    result = await session.execute(
        select(Payment)
        .where(Payment.transaction_id.in_(transaction_ids))
        .order_by(Payment.created_at)
    )
    return result.scalars().all()


async def user_messages(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Message]:
    result = await session.execute(
        select(Message)
        .where(or_(Message.sender_id == user_id, Message.recipient_id == user_id))
        .order_by(Message.created_at, Message.id)
    )
    return result.scalars().all()


async def user_offers(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Offer]:
    result = await session.execute(
        select(Offer)
        .where(or_(Offer.buyer_id == user_id, Offer.seller_id == user_id))
        .order_by(Offer.created_at, Offer.id)
    )
    return result.scalars().all()


async def user_sessions(session: AsyncSession, user_id: uuid.UUID) -> Sequence[RefreshToken]:
    result = await session.execute(
        select(RefreshToken)
        .where(RefreshToken.user_id == user_id)
        .order_by(RefreshToken.created_at)
    )
    return result.scalars().all()


async def company_names(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> Sequence[tuple[uuid.UUID, str]]:
    result = await session.execute(
        select(User.id, User.company_name).where(User.id.in_(user_ids)).order_by(User.id)
    )
    return [(row[0], row[1]) for row in result.all()]


async def deactivate_user(
    session: AsyncSession, user_id: uuid.UUID, at: datetime, delete_after: datetime
) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(is_active=False, deleted_at=at, delete_after=delete_after)
    )


async def archive_listings(session: AsyncSession, seller_id: uuid.UUID) -> list[uuid.UUID]:
    result = await session.execute(
        update(Material)
        .where(
            Material.seller_id == seller_id,
            Material.deleted_at.is_(None),
            Material.status != "archived",
        )
        .values(status="archived", updated_at=func.now())
        .returning(Material.id)
    )
    return list(result.scalars().all())


async def try_advisory_lock(session: AsyncSession, key: int) -> bool:
    """A transaction-level advisory lock, released at commit: one purger at a time."""
    result = await session.execute(select(func.pg_try_advisory_xact_lock(key)))
    return bool(result.scalar_one())


async def accounts_due(session: AsyncSession, now: datetime, limit: int) -> list[uuid.UUID]:
    result = await session.execute(
        select(User.id)
        .where(
            User.delete_after.is_not(None),
            User.delete_after <= now,
            User.anonymised_at.is_(None),
        )
        .order_by(User.delete_after)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result.scalars().all())


async def anonymise_user(
    session: AsyncSession, user_id: uuid.UUID, password_hash: str, at: datetime
) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            email=f"deleted-{user_id}@invalid",
            company_name="Deleted account",
            phone=None,
            password_hash=password_hash,
            is_active=False,
            anonymised_at=at,
        )
    )
    await session.execute(delete(RefreshToken).where(RefreshToken.user_id == user_id))


async def redact_sent_messages(session: AsyncSession, user_id: uuid.UUID, notice: str) -> None:
    await session.execute(
        update(Message).where(Message.sender_id == user_id).values(content=notice)
    )


async def scrub_shipping_addresses(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    """Replace the recipient's name and street on the buyer's orders; the city, region, postal
    code and country stay, as accounting and tax records need them."""
    await session.execute(
        text(
            """
UPDATE transactions
SET shipping_address = shipping_address - 'line2'
    || jsonb_build_object('recipient_name', 'Deleted account', 'line1', '[removed]'),
    updated_at = now()
WHERE buyer_id = :id
"""
        ),
        {"id": buyer_id},
    )
