"""The contract, "Notifications": the list, marking read, settings, the events ticket."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import assert_error_response, is_uuid, make_party

pytestmark = pytest.mark.usefixtures("session")


async def test_a_message_notifies_and_can_be_read(
    client: AsyncClient, session: AsyncSession
) -> None:
    _, sender_h = await make_party(session, role="brand")
    recipient, recipient_h = await make_party(session)
    sent = await client.post(
        "/api/messages",
        json={"recipient_id": str(recipient.id), "content": "Is the melton still available?"},
        headers=sender_h,
    )
    assert sent.status_code == 201, sent.text
    listed = await client.get("/api/notifications", headers=recipient_h)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert {"notifications", "unread_count", "total", "page", "limit"} <= set(body)
    assert body["unread_count"] == 1
    item = body["notifications"][0]
    assert {"notification_id", "kind", "title", "body", "link", "created_at", "read_at"} <= set(
        item
    )
    assert is_uuid(item["notification_id"])
    assert item["kind"] == "message_received"
    assert item["read_at"] is None
    read = await client.post("/api/notifications/read", json={}, headers=recipient_h)
    assert read.status_code == 200, read.text
    after = (await client.get("/api/notifications", headers=recipient_h)).json()
    assert after["unread_count"] == 0
    assert after["notifications"][0]["read_at"] is not None
    assert_error_response(await client.get("/api/notifications"), 401, "unauthorized")
    assert (await client.get("/api/notifications?page=0", headers=recipient_h)).status_code == 400


async def test_settings_and_ticket(client: AsyncClient, session: AsyncSession) -> None:
    _, headers = await make_party(session)
    got = await client.get("/api/account/notification-settings", headers=headers)
    assert got.status_code == 200, got.text
    ticket = await client.post("/api/events/ticket", headers=headers)
    assert ticket.status_code == 200, ticket.text
    assert ticket.json()["ticket"]
    assert_error_response(await client.get("/api/events"), 401, "unauthorized")


async def test_unread_first_and_mark_some(client: AsyncClient, session: AsyncSession) -> None:
    _, sender_h = await make_party(session, role="brand")
    recipient, recipient_h = await make_party(session)
    for text in ("First question", "Second question"):
        sent = await client.post(
            "/api/messages",
            json={"recipient_id": str(recipient.id), "content": text},
            headers=sender_h,
        )
        assert sent.status_code == 201, sent.text
    items = (await client.get("/api/notifications", headers=recipient_h)).json()["notifications"]
    assert len(items) == 2
    newest, oldest = items[0]["notification_id"], items[1]["notification_id"]
    read = await client.post(
        "/api/notifications/read", json={"notification_ids": [newest]}, headers=recipient_h
    )
    assert read.status_code == 200, read.text
    after = (await client.get("/api/notifications", headers=recipient_h)).json()
    assert after["unread_count"] == 1
    assert [n["notification_id"] for n in after["notifications"]] == [oldest, newest]
