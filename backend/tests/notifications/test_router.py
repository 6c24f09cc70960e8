import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.notifications.email import unsubscribe_token
from fabricloop.notifications.kinds import KIND_NAMES
from fabricloop.notifications.models import Notification, OutboxEmail
from fabricloop.notifications.service import notify
from tests.asserts import assert_error
from tests.factories import (
    TEST_SECRET,
    auth_headers,
    make_material,
    make_transaction,
    make_user,
)

NOTIFICATIONS = "/api/notifications"
READ = "/api/notifications/read"
SETTINGS = "/api/account/notification-settings"
UNSUBSCRIBE = "/api/notifications/unsubscribe"


async def outbox_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(OutboxEmail)) or 0)


class TestListNotifications:
    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.get(NOTIFICATIONS)
        assert response.status_code == 401

    async def test_unread_first_then_newest(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        other = await make_user(session)
        first = await notify(session, user.id, "order_paid", "Order paid", "First", "/x/1")
        second = await notify(session, user.id, "order_shipped", "Shipped", "Second", None)
        await notify(session, other.id, "order_paid", "Not yours", "Hidden")
        first.read_at = first.created_at
        await session.flush()
        response = await client.get(NOTIFICATIONS, headers=auth_headers(user))
        assert response.status_code == 200
        data = response.json()
        assert data["unread_count"] == 1
        assert data["total"] == 2
        assert [n["notification_id"] for n in data["notifications"]] == [
            str(second.id),
            str(first.id),
        ]
        assert set(data["notifications"][0]) == {
            "notification_id",
            "kind",
            "title",
            "body",
            "link",
            "created_at",
            "read_at",
        }
        assert data["notifications"][0]["read_at"] is None
        assert data["notifications"][1]["link"] == "/x/1"

    async def test_paginated(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        for i in range(3):
            await notify(session, user.id, "order_paid", f"N{i}", "body")
        response = await client.get(f"{NOTIFICATIONS}?page=2&limit=2", headers=auth_headers(user))
        data = response.json()
        assert (data["page"], data["limit"], data["total"]) == (2, 2, 3)
        assert len(data["notifications"]) == 1

    @pytest.mark.parametrize("query", ["page=0", "limit=abc", "page=x"])
    async def test_bad_query(self, client: AsyncClient, session: AsyncSession, query: str) -> None:
        user = await make_user(session)
        response = await client.get(f"{NOTIFICATIONS}?{query}", headers=auth_headers(user))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_query")


class TestMarkRead:
    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.post(READ, json={})).status_code == 401

    async def test_some_then_all(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        a = await notify(session, user.id, "order_paid", "A", "a")
        await notify(session, user.id, "order_paid", "B", "b")
        await notify(session, user.id, "order_paid", "C", "c")
        response = await client.post(
            READ, json={"notification_ids": [str(a.id)]}, headers=auth_headers(user)
        )
        assert response.status_code == 200
        assert response.json() == {"marked": 1, "unread_count": 2}
        response = await client.post(READ, headers=auth_headers(user))
        assert response.json() == {"marked": 2, "unread_count": 0}
        response = await client.post(READ, json={}, headers=auth_headers(user))
        assert response.json() == {"marked": 0, "unread_count": 0}

    async def test_other_users_ids_are_left_alone(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        other = await make_user(session)
        theirs = await notify(session, other.id, "order_paid", "Theirs", "x")
        response = await client.post(
            READ,
            json={"notification_ids": [str(theirs.id), str(uuid.uuid4())]},
            headers=auth_headers(user),
        )
        assert response.json() == {"marked": 0, "unread_count": 0}
        await session.refresh(theirs)
        assert theirs.read_at is None

    @pytest.mark.parametrize(
        "body",
        [
            {"notification_ids": ["not-a-uuid"]},
            {"notification_ids": "all"},
            {"notification_ids": [str(uuid.uuid4())] * 101},
            {"unknown": 1},
            {"notification_ids": ["' OR 1=1 --"]},
            {"notification_ids": ["\u0000"]},
        ],
    )
    async def test_bad_input(
        self, client: AsyncClient, session: AsyncSession, body: dict[str, object]
    ) -> None:
        user = await make_user(session)
        mine = await notify(session, user.id, "order_paid", "Mine", "x")
        response = await client.post(READ, json=body, headers=auth_headers(user))
        assert response.status_code == 422
        await session.refresh(mine)
        assert mine.read_at is None


class TestNotificationSettings:
    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.get(SETTINGS)).status_code == 401
        assert (await client.put(SETTINGS, json={"email": {}})).status_code == 401

    async def test_every_kind_on_by_default(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        response = await client.get(SETTINGS, headers=auth_headers(user))
        assert response.status_code == 200
        assert response.json() == {"email": dict.fromkeys(KIND_NAMES, True)}

    async def test_turn_off_stops_emails_not_notifications(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        response = await client.put(
            SETTINGS, json={"email": {"order_paid": False}}, headers=auth_headers(user)
        )
        assert response.status_code == 200
        assert response.json()["email"]["order_paid"] is False
        assert response.json()["email"]["order_shipped"] is True
        before = await outbox_count(session)
        await notify(session, user.id, "order_paid", "Paid", "x")
        assert await outbox_count(session) == before
        await notify(session, user.id, "order_shipped", "Shipped", "x")
        assert await outbox_count(session) == before + 1
        response = await client.put(
            SETTINGS, json={"email": {"order_paid": True}}, headers=auth_headers(user)
        )
        assert response.json()["email"]["order_paid"] is True

    @pytest.mark.parametrize(
        "body",
        [
            {"email": {"no_such_kind": False}},
            {"email": {"order_paid": "maybe"}},
            {"email": []},
            {},
            {"email": {"order_paid": False}, "extra": 1},
            {"email": {"' OR 1=1 --": False}},
            {"email": {"x" * 10_000: False}},
        ],
    )
    async def test_bad_input(
        self, client: AsyncClient, session: AsyncSession, body: dict[str, object]
    ) -> None:
        user = await make_user(session)
        response = await client.put(SETTINGS, json=body, headers=auth_headers(user))
        assert response.status_code == 422
        response = await client.get(SETTINGS, headers=auth_headers(user))
        assert all(response.json()["email"].values())


class TestUnsubscribe:
    async def test_link_turns_that_kind_off(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        token = unsubscribe_token(TEST_SECRET, user.id, "message_received")
        response = await client.get(UNSUBSCRIBE, params={"token": token})
        assert response.status_code == 200
        assert "new messages" in response.text
        settings = (await client.get(SETTINGS, headers=auth_headers(user))).json()["email"]
        assert settings["message_received"] is False
        assert settings["order_paid"] is True

    async def test_one_click_post(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        token = unsubscribe_token(TEST_SECRET, user.id, "order_paid")
        response = await client.post(UNSUBSCRIBE, params={"token": token})
        assert response.json() == {"kind": "order_paid", "email": False}

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", "' OR 1=1 --", "\u00e9\u00e9"])
    async def test_bad_token(self, client: AsyncClient, token: str) -> None:
        response = await client.get(UNSUBSCRIBE, params={"token": token})
        assert response.status_code == 400
        assert_error(response.json(), "invalid_token")

    async def test_token_of_another_secret(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        token = unsubscribe_token("another-secret-" + "y" * 40, user.id, "order_paid")
        response = await client.post(UNSUBSCRIBE, params={"token": token})
        assert response.status_code == 400

    async def test_missing_token(self, client: AsyncClient) -> None:
        assert (await client.get(UNSUBSCRIBE)).status_code == 400


class TestEvents:
    """The events of other domains notify the right party, with its email queued."""

    async def test_message_notifies_recipient(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        sender = await make_user(session, company_name="Weaver & Co")
        recipient = await make_user(session)
        response = await client.post(
            "/api/messages",
            json={"recipient_id": str(recipient.id), "content": "Hello <b>there</b>"},
            headers=auth_headers(sender),
        )
        assert response.status_code == 201
        listed = (await client.get(NOTIFICATIONS, headers=auth_headers(recipient))).json()
        [item] = listed["notifications"]
        assert item["kind"] == "message_received"
        assert item["title"] == "New message from Weaver & Co"
        assert item["body"] == "Hello <b>there</b>"
        assert item["link"] == f"/messages/{sender.id}"
        stored = await session.scalar(
            select(OutboxEmail).where(
                OutboxEmail.notification_id == uuid.UUID(item["notification_id"])
            )
        )
        assert stored is not None
        assert stored.to_address == recipient.email
        mine = (await client.get(NOTIFICATIONS, headers=auth_headers(sender))).json()
        assert mine["total"] == 0

    async def test_order_status_changes(self, client: AsyncClient, session: AsyncSession) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller)
        order = await make_transaction(session, material, buyer, status="paid")
        path = f"/api/transactions/{order.id}/status"
        response = await client.post(
            path,
            json={"status": "shipped", "tracking_number": "TRK1"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200, response.text
        response = await client.post(
            path, json={"status": "completed"}, headers=auth_headers(buyer)
        )
        assert response.status_code == 200, response.text
        buyer_kinds = [
            n["kind"]
            for n in (await client.get(NOTIFICATIONS, headers=auth_headers(buyer))).json()[
                "notifications"
            ]
        ]
        seller_kinds = [
            n["kind"]
            for n in (await client.get(NOTIFICATIONS, headers=auth_headers(seller))).json()[
                "notifications"
            ]
        ]
        assert buyer_kinds == ["order_shipped"]
        assert seller_kinds == ["order_completed"]

    async def test_cancel_notifies_the_other_party(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller)
        order = await make_transaction(session, material, buyer)
        response = await client.post(
            f"/api/transactions/{order.id}/status",
            json={"status": "cancelled"},
            headers=auth_headers(buyer),
        )
        assert response.status_code == 200, response.text
        rows = (
            await session.scalars(
                select(Notification).where(Notification.kind == "order_cancelled")
            )
        ).all()
        assert [row.user_id for row in rows] == [seller.id]
        assert rows[0].link == f"/transactions/{order.id}"

    async def test_unknown_kind_is_a_programming_error(self, session: AsyncSession) -> None:
        user = await make_user(session)
        with pytest.raises(ValueError, match="unknown notification kind"):
            await notify(session, user.id, "nonsense", "t", "b")

    async def test_closed_account_gets_no_email(self, session: AsyncSession) -> None:
        user = await make_user(session, is_active=False)
        before = await outbox_count(session)
        await notify(session, user.id, "order_paid", "t", "b")
        assert await outbox_count(session) == before


def test_unsubscribe_link_round_trip() -> None:
    from fabricloop.notifications.email import compose, read_unsubscribe_token

    user_id = uuid.uuid4()
    message = compose(
        notification_id=uuid.uuid4(),
        user_id=user_id,
        kind="order_paid",
        title="Paid <now>",
        body="Body & more",
        link="/transactions/1",
        to_address="a@example.com",
        from_address="FabricLoop <n@example.com>",
        base_url="https://fabricloop.example",
        secret=TEST_SECRET,
    )
    url = str(message["List-Unsubscribe"]).strip("<>")
    token = parse_qs(urlsplit(url).query)["token"][0]
    assert read_unsubscribe_token(TEST_SECRET, token) == (user_id, "order_paid")
    html_part = message.get_body(("html",))
    text_part = message.get_body(("plain",))
    assert html_part is not None
    assert text_part is not None
    assert "Paid &lt;now&gt;" in html_part.get_content()
    assert "https://fabricloop.example/transactions/1" in text_part.get_content()
    assert str(message["Message-ID"]).endswith("@fabricloop.example>")
