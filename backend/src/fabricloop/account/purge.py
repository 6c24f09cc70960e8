"""Anonymising accounts whose deletion grace period is over (`fabricloop purge`).

What stays: transactions and payments (accounting law), with the buyer's name and street
replaced; the listings (archived) and their public passports; messages the user received,
which are the counterpart's own words. What goes: the email, company name, phone and password,
every refresh token, and the text of every message the user sent (the counterpart keeps the
thread, with "Deleted account" as the other side)."""

import hashlib
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.account import repository

log = structlog.get_logger(__name__)

# A stable 63-bit key for pg_try_advisory_xact_lock, shared by every process.
PURGE_LOCK_KEY = int.from_bytes(hashlib.sha256(b"fabricloop:purge").digest()[:8], "big") >> 1
# Not a bcrypt hash, so no password ever verifies against it.
UNUSABLE_PASSWORD = "!purged"  # noqa: S105
REDACTED_MESSAGE = "[This message was removed when its sender deleted their account.]"
BATCH_SIZE = 100


async def purge_batch(session: AsyncSession, now: datetime | None = None) -> int | None:
    """Anonymise up to BATCH_SIZE due accounts in the session's transaction; None when
    another process holds the purge lock."""
    if not await repository.try_advisory_lock(session, PURGE_LOCK_KEY):
        return None
    at = now or datetime.now(UTC)
    due = await repository.accounts_due(session, at, BATCH_SIZE)
    for user_id in due:
        await repository.anonymise_user(session, user_id, UNUSABLE_PASSWORD, at)
        await repository.redact_sent_messages(session, user_id, REDACTED_MESSAGE)
        await repository.scrub_shipping_addresses(session, user_id)
        log.info("account anonymised", user_id=str(user_id))
    return len(due)


async def purge_due_accounts(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> int:
    """Anonymise every due account, one committed batch at a time; the number anonymised."""
    total = 0
    while True:
        async with sessionmaker() as session, session.begin():
            done = await purge_batch(session, now)
        if done is None:
            log.info("purge skipped: another process holds the lock")
            return total
        total += done
        if done < BATCH_SIZE:
            return total


async def purge_job(session: AsyncSession) -> int:
    """One batch, for the app's periodic jobs (app.py), which commit it."""
    return await purge_batch(session) or 0
