"""The account's own data: export it (GDPR art. 15/20) and delete it (art. 17)."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.account import repository
from fabricloop.account.repository import as_record
from fabricloop.account.schemas import DeletionScheduled, Record
from fabricloop.auth import service as auth_service
from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.materials import caching
from fabricloop.saved_searches import service as saved_searches
from fabricloop.transactions import service as transactions

# Columns whose values are other users' ids: those users appear in `users` (id and name only).
_USER_REFERENCES = (
    "buyer_id",
    "seller_id",
    "sender_id",
    "recipient_id",
    "payer_id",
    "changed_by",
    "recorded_by",
)


def _now() -> datetime:
    return datetime.now(UTC)


def _renamed(record: Record, id_name: str) -> Record:
    return {id_name: record.pop("id"), **record}


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # NUMERIC columns hold at most 16 digits: the shortest float repr is the same number.
        return float(value)
    if isinstance(value, uuid.UUID):  # asyncpg's own UUID subclass, which orjson refuses
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


async def _materials(
    session: AsyncSession, user_id: uuid.UUID
) -> tuple[list[Record], list[Record]]:
    materials = await repository.user_materials(session, user_id)
    ids = [m.id for m in materials]
    metrics = await repository.metrics_of(session, ids)
    passports = await repository.passports_of(session, ids)
    changes = await repository.passport_changes_of(session, [p.id for p in passports])
    images = [
        _renamed(as_record(i), "image_id") for i in await repository.user_images(session, user_id)
    ]
    out = []
    for material in materials:
        record = _renamed(as_record(material), "material_id")
        record["metrics"] = [
            _renamed(as_record(m), "metric_id") for m in metrics if m.material_id == material.id
        ]
        record["images"] = [i for i in images if i["material_id"] == material.id]
        passport = next((p for p in passports if p.material_id == material.id), None)
        if passport is None:
            record["passport"] = None
        else:
            record["passport"] = _renamed(as_record(passport), "passport_id")
            record["passport"]["changes"] = [
                _renamed(as_record(c), "change_id") for c in changes if c.passport_id == passport.id
            ]
        out.append(record)
    return out, images


async def _transactions(
    session: AsyncSession, user_id: uuid.UUID
) -> tuple[list[Record], list[Record]]:
    rows = await repository.user_transactions(session, user_id)
    transactions = []
    for transaction, title in rows:
        record = _renamed(as_record(transaction), "transaction_id")
        record["role"] = "buyer" if transaction.buyer_id == user_id else "seller"
        record["material_title"] = title
        if record["role"] == "seller":
            # The buyer's name and address are the buyer's personal data, not the seller's.
            record.pop("shipping_address", None)
        transactions.append(record)
    payments = []
    for payment in await repository.payments_of(session, [t.id for t, _ in rows]):
        record = _renamed(as_record(payment), "payment_id")
        if payment.payer_id != user_id:
            record.pop("payment_method", None)
        payments.append(record)
    return transactions, payments


async def _offers(session: AsyncSession, user_id: uuid.UUID) -> list[Record]:
    offers = []
    for offer in await repository.user_offers(session, user_id):
        record = _renamed(as_record(offer), "offer_id")
        record["role"] = "buyer" if offer.buyer_id == user_id else "seller"
        if record["role"] == "seller":
            record.pop("shipping_address", None)  # the buyer's personal data
        offers.append(record)
    return offers


def _referenced_users(user_id: uuid.UUID, *groups: list[Record]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for group in groups:
        for record in group:
            for name in _USER_REFERENCES:
                value = record.get(name)
                if isinstance(value, uuid.UUID):
                    found.add(value)
            for nested in ("metrics",):
                found |= _referenced_users(user_id, record.get(nested) or [])
            passport = record.get("passport")
            if isinstance(passport, dict):
                found |= _referenced_users(user_id, passport.get("changes") or [])
    found.discard(user_id)
    return found


async def export(session: AsyncSession, user: User) -> bytes:
    """Every record of the user as one JSON document (see AccountExport)."""
    materials, images = await _materials(session, user.id)
    transactions, payments = await _transactions(session, user.id)
    messages = [
        _renamed(as_record(m), "message_id")
        for m in await repository.user_messages(session, user.id)
    ]
    offers = await _offers(session, user.id)
    sessions = [
        {
            "created_at": s.created_at,
            "last_seen": s.last_seen,
            "expires_at": s.expires_at,
            "revoked_at": s.revoked_at,
        }
        for s in await repository.user_sessions(session, user.id)
    ]
    others = _referenced_users(user.id, materials, transactions, payments, messages, offers)
    users = [
        {"user_id": uid, "company_name": name}
        for uid, name in await repository.company_names(session, sorted(others))
    ]
    document = {
        "exported_at": _now(),
        "format_version": 1,
        "profile": _renamed(as_record(user), "user_id"),
        "materials": materials,
        "images": images,
        "transactions": transactions,
        "payments": payments,
        "messages": messages,
        "offers": offers,
        "saved_searches": await saved_searches.export_of(session, user.id),
        "sessions": sessions,
        "users": users,
    }
    return orjson.dumps(
        document, default=_json_default, option=orjson.OPT_UTC_Z | orjson.OPT_INDENT_2
    )


async def schedule_deletion(
    session: AsyncSession, settings: Settings, cache: Cache, user: User
) -> DeletionScheduled:
    """Deactivate at once, cancel the unpaid orders, archive the listings; personal data goes
    at `delete_after`. Paid orders stay for their parties to complete (or refund)."""
    now = _now()
    delete_after = now + timedelta(days=settings.deletion_grace_days)
    await repository.deactivate_user(session, user.id, now, delete_after)
    await auth_service.end_all_sessions(session, user.id)
    await transactions.cancel_pending_of(session, cache, user.id)
    archived = await repository.archive_listings(session, user.id)
    caching.invalidate_after_commit(session, cache, archived)
    return DeletionScheduled(delete_after=delete_after)
