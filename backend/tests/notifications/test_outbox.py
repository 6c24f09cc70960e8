"""The email outbox against a real SMTP server (aiosmtpd, the development sink): written in the
event's transaction, sent by the worker, retried with backoff, never sent twice into a mailbox."""

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.mail import SmtpTarget
from fabricloop.core.mailsink import MailDirHandler, kept_mails
from fabricloop.notifications import outbox
from fabricloop.notifications.models import OutboxEmail
from fabricloop.notifications.service import notify
from tests.factories import make_user
from tests.http_servers import free_port


class TestHandler(MailDirHandler):
    """The sink, able to refuse every mail, or to keep one and then hang as if the worker
    died before it could record the send."""

    __test__ = False

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.refuse = False
        # Cleared: keep the mail, then hang before answering until it is set again.
        self.answer = threading.Event()
        self.answer.set()
        self.kept_one = threading.Event()
        self.kept = 0

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        reply = await super().handle_DATA(_server, _session, envelope)
        self.kept += 1
        self.kept_one.set()
        await asyncio.to_thread(self.answer.wait)
        return reply


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[tuple[TestHandler, SmtpTarget, Path]]:
    directory = tmp_path / "mail"
    handler = TestHandler(directory)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, SmtpTarget("127.0.0.1", port), directory
    finally:
        handler.answer.set()
        controller.stop()


@pytest.fixture
async def recipient(committed: async_sessionmaker[AsyncSession]) -> Any:
    async with committed() as session:
        user = await make_user(session, email="buyer@example.com")
        await session.commit()
    return user


async def notify_committed(maker: async_sessionmaker[AsyncSession], user_id: Any) -> None:
    async with maker() as session:
        await notify(session, user_id, "order_paid", "Order paid", "Ship it", "/transactions/1")
        await session.commit()


async def outbox_rows(maker: async_sessionmaker[AsyncSession]) -> list[OutboxEmail]:
    async with maker() as session:
        return list((await session.scalars(select(OutboxEmail))).all())


def later(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def test_sent_with_both_parts(
    committed: async_sessionmaker[AsyncSession],
    settings: Settings,
    sink: tuple[TestHandler, SmtpTarget, Path],
    recipient: Any,
) -> None:
    handler, target, directory = sink
    await notify_committed(committed, recipient.id)
    assert await outbox.send_due(committed, settings, target) == 1
    [mail] = kept_mails(directory)
    assert mail.subject == "Order paid"
    assert mail.to == "buyer@example.com"
    assert mail.message.get_body(("plain",)) is not None
    assert mail.message.get_body(("html",)) is not None
    assert "/api/notifications/unsubscribe?token=" in str(mail.message["List-Unsubscribe"])
    [row] = await outbox_rows(committed)
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.sent_at is not None
    # Nothing left: a second run sends nothing.
    assert await outbox.send_due(committed, settings, target, now=later(3600)) == 0
    assert handler.kept == 1


async def test_rolled_back_change_sends_nothing(
    committed: async_sessionmaker[AsyncSession],
    settings: Settings,
    sink: tuple[TestHandler, SmtpTarget, Path],
    recipient: Any,
) -> None:
    handler, target, directory = sink
    async with committed() as session:
        await notify(session, recipient.id, "order_paid", "Order paid", "Ship it")
        await session.rollback()
    assert await outbox_rows(committed) == []
    assert await outbox.send_due(committed, settings, target, now=later(3600)) == 0
    assert handler.kept == 0
    assert kept_mails(directory) == []


async def test_refusing_server_is_retried_with_backoff(
    committed: async_sessionmaker[AsyncSession],
    settings: Settings,
    sink: tuple[TestHandler, SmtpTarget, Path],
    recipient: Any,
) -> None:
    handler, target, directory = sink
    await notify_committed(committed, recipient.id)
    handler.refuse = True
    start = datetime.now(UTC)
    assert await outbox.send_due(committed, settings, target, now=start) == 0
    [row] = await outbox_rows(committed)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error is not None
    assert "Try again later" in row.last_error
    assert row.next_attempt_at == start + outbox.backoff(1)
    # Not due before the backoff has passed.
    assert (
        await outbox.send_due(committed, settings, target, now=start + timedelta(seconds=29)) == 0
    )
    [row] = await outbox_rows(committed)
    assert row.attempts == 1
    handler.refuse = False
    assert (
        await outbox.send_due(committed, settings, target, now=start + timedelta(seconds=31)) == 1
    )
    [row] = await outbox_rows(committed)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert len(kept_mails(directory)) == 1


async def test_gives_up_after_the_last_attempt(
    committed: async_sessionmaker[AsyncSession],
    settings: Settings,
    sink: tuple[TestHandler, SmtpTarget, Path],
    recipient: Any,
) -> None:
    handler, target, _ = sink
    await notify_committed(committed, recipient.id)
    handler.refuse = True
    now = datetime.now(UTC)
    for _ in range(outbox.MAX_ATTEMPTS):
        await outbox.send_due(committed, settings, target, now=now)
        now += outbox.LAST_RETRY
    [row] = await outbox_rows(committed)
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    handler.refuse = False
    assert await outbox.send_due(committed, settings, target, now=now + timedelta(days=1)) == 0


async def test_unreachable_server_is_retried(
    committed: async_sessionmaker[AsyncSession], settings: Settings, recipient: Any
) -> None:
    await notify_committed(committed, recipient.id)
    assert await outbox.send_due(committed, settings, SmtpTarget("127.0.0.1", free_port())) == 0
    [row] = await outbox_rows(committed)
    assert (row.status, row.attempts) == ("pending", 1)


async def test_killed_worker_resends_without_duplicating(
    committed: async_sessionmaker[AsyncSession],
    settings: Settings,
    sink: tuple[TestHandler, SmtpTarget, Path],
    recipient: Any,
) -> None:
    """The server has the mail, the worker dies before recording it: the email is sent again
    after the lease, with the same Message-ID, and the mailbox keeps one."""
    handler, target, directory = sink
    await notify_committed(committed, recipient.id)
    handler.answer.clear()
    start = datetime.now(UTC)
    worker = asyncio.create_task(outbox.send_due(committed, settings, target, now=start))
    assert await asyncio.to_thread(handler.kept_one.wait, 30)
    worker.cancel()
    # Let the server answer, so the cancelled client's goodbye is not left waiting for it.
    handler.answer.set()
    with pytest.raises(asyncio.CancelledError):
        await worker
    [first] = kept_mails(directory)
    [row] = await outbox_rows(committed)
    assert (row.status, row.attempts) == ("pending", 1)
    # Another worker leaves it alone while the dead one's lease runs...
    assert await outbox.send_due(committed, settings, target, now=start + timedelta(seconds=1)) == 0
    # ...and sends it once the lease is over.
    after_lease = start + outbox.LEASE + timedelta(seconds=1)
    assert await outbox.send_due(committed, settings, target, now=after_lease) == 1
    assert handler.kept == 2
    [again] = kept_mails(directory)
    assert again.name == first.name
    assert again.message["Message-ID"] == first.message["Message-ID"]
    [row] = await outbox_rows(committed)
    assert (row.status, row.attempts) == ("sent", 2)


async def test_two_workers_never_send_the_same_email(
    committed: async_sessionmaker[AsyncSession],
    settings: Settings,
    sink: tuple[TestHandler, SmtpTarget, Path],
    recipient: Any,
) -> None:
    handler, target, directory = sink
    for _ in range(6):
        await notify_committed(committed, recipient.id)
    results = await asyncio.gather(
        *(outbox.send_due(committed, settings, target, limit=2) for _ in range(5))
    )
    assert sum(results) == 6
    assert handler.kept == 6
    assert len(kept_mails(directory)) == 6
    raw = [p.read_bytes() for p in directory.glob("*.eml")]
    ids = {str(message_from_bytes(r, policy=policy.default)["Message-ID"]) for r in raw}
    assert len(ids) == 6
