"""The worker's side of the email outbox: claim due emails, send each through SMTP, record the
outcome. An email is claimed in its own committed transaction (one more attempt, next try set a
lease ahead), so a worker killed mid-send leaves it to be sent again after the lease, with the
same Message-ID: the notification's idempotency key, by which the receiving server keeps one."""

from datetime import UTC, datetime, timedelta

import aiosmtplib
import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.mail import SmtpTarget, deliver
from fabricloop.notifications import repository
from fabricloop.notifications.email import compose

log = structlog.get_logger(__name__)

BATCH = 50
MAX_ATTEMPTS = 8
# How long a claimed email is left to its worker before another one may try it again.
LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=2)


def backoff(attempts: int) -> timedelta:
    """Delay after the `attempts`-th failure: 30 s, 1 min, 2 min, ... at most 2 h."""
    return min(FIRST_RETRY * int(2 ** max(attempts - 1, 0)), LAST_RETRY)


async def send_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    target: SmtpTarget,
    now: datetime | None = None,
    limit: int = BATCH,
) -> int:
    """Send the emails due at `now`; returns how many the server accepted."""
    now = now or datetime.now(UTC)
    async with sessionmaker() as session:
        claimed = await repository.claim_due(session, now, limit, LEASE)
        await session.commit()
    sent = 0
    for email, notification in claimed:
        message = compose(
            notification_id=notification.id,
            user_id=notification.user_id,
            kind=notification.kind,
            title=notification.title,
            body=notification.body,
            link=notification.link,
            to_address=email.to_address,
            from_address=settings.mail_from,
            base_url=settings.public_base_url,
            secret=settings.jwt_secret,
        )
        try:
            await deliver(target, message)
        except (aiosmtplib.SMTPException, OSError) as error:
            retry_at = None if email.attempts >= MAX_ATTEMPTS else now + backoff(email.attempts)
            log.warning(
                "email not sent",
                email_id=str(email.id),
                attempts=email.attempts,
                gave_up=retry_at is None,
                error=str(error)[:200],
            )
            async with sessionmaker() as session:
                await repository.mark_failed(session, email.id, str(error), retry_at)
                await session.commit()
            continue
        async with sessionmaker() as session:
            await repository.mark_sent(session, email.id, datetime.now(UTC))
            await session.commit()
        sent += 1
    return sent
