"""What sending a message costs the database: its checks and its recipient's notification ride
in the message's INSERT, and a message refused stores neither."""

import uuid

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.materials.errors import MaterialNotFound
from fabricloop.messages import service as messages
from fabricloop.messages.errors import RecipientNotFound
from fabricloop.messages.models import Message
from fabricloop.messages.schemas import PREVIEW_LENGTH, SendMessageRequest
from fabricloop.notifications.models import Notification, NotificationSetting, OutboxEmail
from tests.factories import auth_headers, make_material, make_user
from tests.notifications.stored import emailed, notifications_of
from tests.statements import statements_sent


async def _stored(session: AsyncSession) -> tuple[int, int, int]:
    """How many messages, notifications and outbox emails are stored."""
    counts = [
        await session.scalar(select(func.count()).select_from(table))
        for table in (Message, Notification, OutboxEmail)
    ]
    return counts[0] or 0, counts[1] or 0, counts[2] or 0


@pytest.mark.parametrize("email", [True, False])
async def test_a_message_and_its_notification_are_one_statement(
    session: AsyncSession, email: bool
) -> None:
    seller = await make_user(session)
    buyer = await make_user(session, role="brand", company_name="Tissus Ünïs ☃")
    material = await make_material(session, seller)
    if not email:
        session.add(NotificationSetting(user_id=seller.id, kind="message_received", email=False))
    await session.flush()
    content = "Swatch of the jersey? ☃ " + "x" * 400
    request = SendMessageRequest(recipient_id=seller.id, material_id=material.id, content=content)
    async with statements_sent(session) as sent:
        answer = await messages.send(session, buyer, request)
    # The message (its recipient and listing checked in it) and the seller's notification.
    assert [statement.split()[0] for statement in sent] == ["WITH"]
    message = await session.get(Message, answer.message_id)
    assert message is not None
    assert (message.content, message.created_at) == (content, answer.sent_at)
    (told,) = await notifications_of(session, seller.id)
    assert (told.kind, told.title, told.body, told.link, told.read_at) == (
        "message_received",
        "New message from Tissus Ünïs ☃",
        content[:PREVIEW_LENGTH],
        f"/messages/{buyer.id}",
        None,
    )
    assert await notifications_of(session, buyer.id) == []
    assert await emailed(session, seller.id) == ([seller.email] if email else [])


async def test_a_refused_message_asks_why_after_storing_nothing(session: AsyncSession) -> None:
    seller = await make_user(session, is_active=False)
    buyer = await make_user(session, role="brand")
    await session.flush()
    before = await _stored(session)
    request = SendMessageRequest(recipient_id=seller.id, content="Still trading?")
    async with statements_sent(session) as sent:
        with pytest.raises(RecipientNotFound):
            await messages.send(session, buyer, request)
    assert [statement.split()[0] for statement in sent] == ["WITH", "SELECT"]
    assert await _stored(session) == before


async def test_a_message_about_a_hidden_listing_stores_nothing(session: AsyncSession) -> None:
    seller = await make_user(session)
    draft = await make_material(session, seller, status="draft")
    buyer = await make_user(session, role="brand")
    await session.flush()
    before = await _stored(session)
    request = SendMessageRequest(recipient_id=seller.id, material_id=draft.id, content="Hello")
    with pytest.raises(MaterialNotFound):
        await messages.send(session, buyer, request)
    assert await _stored(session) == before
    assert await notifications_of(session, seller.id) == []


@pytest.mark.concurrency
async def test_a_recipient_restored_meanwhile_is_written_to_on_the_second_try(
    app: FastAPI,
    committed: async_sessionmaker[AsyncSession],
    committed_client: AsyncClient,
) -> None:
    """POST /api/messages runs in autocommit with one write allowed: a first try that stored
    nothing (here its recipient unknown to it, as if restored just after) leaves the second
    try its write, and the message and its notification are stored once."""
    async with committed() as session:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        await session.commit()
    tries: list[str] = []

    def first_misses(_conn: object, _cursor: object, sql: str, args: object, *_: object) -> None:
        if not sql.lstrip().startswith("WITH message"):
            return
        tries.append(sql)
        if len(tries) == 1 and isinstance(args, list):
            args[:] = [uuid.uuid4() if value == seller.id else value for value in args]

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", first_misses)
    try:
        response = await committed_client.post(
            "/api/messages",
            json={"recipient_id": str(seller.id), "content": "Still trading? ☃"},
            headers=auth_headers(buyer),
        )
    finally:
        event.remove(engine, "before_cursor_execute", first_misses)
    assert response.status_code == 201, response.text
    assert len(tries) == 2
    async with committed() as session:
        stored = await session.scalars(select(Message).where(Message.sender_id == buyer.id))
        assert [m.id for m in stored] == [uuid.UUID(response.json()["message_id"])]
        assert [n.kind for n in await notifications_of(session, seller.id)] == ["message_received"]
