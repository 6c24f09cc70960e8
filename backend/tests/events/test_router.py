"""The event stream over a real HTTP server (uvicorn in the test's loop: httpx's ASGI
transport buffers whole responses), fed through Redis pub/sub."""

from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.events import use_publisher
from fabricloop.notifications.models import Notification
from fabricloop.notifications.service import LIVE_UNREAD_CAP
from tests.core.apps import running
from tests.events.helpers import next_event, read_events, users
from tests.factories import auth_headers, make_material, make_user
from tests.http_servers import serving
from tests.transactions.helpers import buy

pytestmark = pytest.mark.concurrency

EVENTS = "/api/events"
TICKET = "/api/events/ticket"


@pytest.fixture
async def live(app: FastAPI, committed: object) -> AsyncIterator[str]:  # noqa: ARG001
    async with serving(app) as url:
        yield url


class TestStream:
    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.get(EVENTS)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"

    @pytest.mark.parametrize(
        "headers", [{"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}]
    )
    async def test_bad_token(self, client: AsyncClient, headers: dict[str, str]) -> None:
        assert (await client.get(EVENTS, headers=headers)).status_code == 401

    @pytest.mark.parametrize("ticket", ["unknown", "' OR 1=1 --", "é" * 10])
    async def test_bad_ticket(self, client: AsyncClient, ticket: str) -> None:
        assert (await client.get(EVENTS, params={"ticket": ticket})).status_code == 401

    async def test_oversized_ticket(self, client: AsyncClient) -> None:
        assert (await client.get(EVENTS, params={"ticket": "x" * 500})).status_code == 400

    async def test_messages_and_notifications_arrive(
        self,
        live: str,
        committed: async_sessionmaker[AsyncSession],
        committed_client: AsyncClient,
    ) -> None:
        reader, writer, bystander = await users(committed, 3)
        async with (
            httpx.AsyncClient(base_url=live, timeout=10) as http,
            http.stream("GET", EVENTS, headers=auth_headers(reader)) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = read_events(response)
            assert await next_event(events) == ("ready", {})
            # Someone else's message never reaches this stream.
            sent = await committed_client.post(
                "/api/messages",
                json={"recipient_id": str(bystander.id), "content": "not for the reader"},
                headers=auth_headers(writer),
            )
            assert sent.status_code == 201
            sent = await committed_client.post(
                "/api/messages",
                json={"recipient_id": str(reader.id), "content": "Grüße 🧵"},
                headers=auth_headers(writer),
            )
            assert sent.status_code == 201
            name, message = await next_event(events)
            assert name == "message"
            assert message["message_id"] == sent.json()["message_id"]
            assert message["content"] == "Grüße 🧵"
            assert message["sender_id"] == str(writer.id)
            name, notification = await next_event(events)
            assert name == "notification"
            assert notification["kind"] == "message_received"
            assert notification["unread_count"] == 1
            assert notification["link"] == f"/messages/{writer.id}"

    @pytest.mark.parametrize(
        ("unread_before", "shown"),
        [
            (LIVE_UNREAD_CAP - 2, LIVE_UNREAD_CAP - 1),
            (LIVE_UNREAD_CAP - 1, LIVE_UNREAD_CAP),
            (LIVE_UNREAD_CAP + 50, LIVE_UNREAD_CAP),
        ],
    )
    async def test_unread_count_stops_at_the_cap(
        self,
        live: str,
        committed: async_sessionmaker[AsyncSession],
        committed_client: AsyncClient,
        unread_before: int,
        shown: int,
    ) -> None:
        """The live count is exact below the cap and the cap above it (not every unread row is
        counted for each notification); the list still counts them all, read ones aside."""
        reader, writer = await users(committed, 2)
        async with committed() as session:
            for read_at in (None, "2026-01-01T00:00:00Z"):
                session.add_all(
                    Notification(
                        user_id=reader.id,
                        kind="order_paid",
                        title=f"Order {n} paid",
                        body="Ship it",
                        read_at=None if read_at is None else datetime.fromisoformat(read_at),
                    )
                    for n in range(unread_before if read_at is None else 5)
                )
            await session.commit()
        async with (
            httpx.AsyncClient(base_url=live, timeout=10) as http,
            http.stream("GET", EVENTS, headers=auth_headers(reader)) as response,
        ):
            events = read_events(response)
            assert await next_event(events) == ("ready", {})
            sent = await committed_client.post(
                "/api/messages",
                json={"recipient_id": str(reader.id), "content": "Samples shipped"},
                headers=auth_headers(writer),
            )
            assert sent.status_code == 201
            assert (await next_event(events))[0] == "message"
            name, notification = await next_event(events)
            assert name == "notification"
            assert notification["unread_count"] == shown
        listed = await committed_client.get(
            "/api/notifications?limit=1", headers=auth_headers(reader)
        )
        assert listed.json()["unread_count"] == unread_before + 1

    async def test_a_paid_order_tells_its_seller(
        self,
        live: str,
        committed: async_sessionmaker[AsyncSession],
        committed_client: AsyncClient,
    ) -> None:
        """The seller's notification rides in the statement that makes the order paid; its
        live event says what the list says, with the unread count."""
        async with committed() as session:
            seller = await make_user(session, company_name="Filature ☃")
            buyer = await make_user(session, role="brand")
            material = await make_material(
                session, seller, quantity=Decimal("50"), price=Decimal("4.35")
            )
            session.add(Notification(user_id=seller.id, kind="order_shipped", title="t", body="b"))
            await session.commit()
        async with (
            httpx.AsyncClient(base_url=live, timeout=10) as http,
            http.stream("GET", EVENTS, headers=auth_headers(seller)) as response,
        ):
            events = read_events(response)
            assert await next_event(events) == ("ready", {})
            order = await buy(committed_client, auth_headers(buyer), material.id, 3)
            paid = await committed_client.post(
                "/api/payments",
                json={"transaction_id": order["transaction_id"], "payment_method": "pm_card_visa"},
                headers={**auth_headers(buyer), "Idempotency-Key": "live-1"},
            )
            assert paid.status_code == 201, paid.text
            name, notification = await next_event(events)
        assert name == "notification"
        listed = await committed_client.get("/api/notifications", headers=auth_headers(seller))
        newest = next(n for n in listed.json()["notifications"] if n["kind"] == "order_paid")
        assert notification == {**newest, "unread_count": 2}
        assert newest["link"] == f"/transactions/{order['transaction_id']}"
        assert newest["body"].startswith("An order of 3 ")

    async def test_reading_tells_the_sender(
        self,
        live: str,
        committed: async_sessionmaker[AsyncSession],
        committed_client: AsyncClient,
    ) -> None:
        reader, writer = await users(committed, 2)
        sent = await committed_client.post(
            "/api/messages",
            json={"recipient_id": str(reader.id), "content": "Swatch posted"},
            headers=auth_headers(writer),
        )
        assert sent.status_code == 201
        async with (
            httpx.AsyncClient(base_url=live, timeout=10) as http,
            http.stream("GET", EVENTS, headers=auth_headers(writer)) as response,
        ):
            events = read_events(response)
            assert await next_event(events) == ("ready", {})
            opened = await committed_client.get(
                f"/api/messages/{writer.id}", headers=auth_headers(reader)
            )
            assert opened.status_code == 200
            assert await next_event(events) == ("messages_read", {"reader_id": str(reader.id)})
            # Opening it again reads nothing new and tells no one; the next event is a message.
            again = await committed_client.get(
                f"/api/messages/{writer.id}", headers=auth_headers(reader)
            )
            assert again.status_code == 200
            reply = await committed_client.post(
                "/api/messages",
                json={"recipient_id": str(writer.id), "content": "Thanks"},
                headers=auth_headers(reader),
            )
            assert reply.status_code == 201
            name, _ = await next_event(events)
            assert name == "message"

    async def test_ticket_opens_once(
        self,
        live: str,
        committed: async_sessionmaker[AsyncSession],
        committed_client: AsyncClient,
    ) -> None:
        [reader] = await users(committed, 1)
        issued = await committed_client.post(TICKET, headers=auth_headers(reader))
        assert issued.status_code == 200
        ticket = issued.json()["ticket"]
        assert issued.json()["expires_in"] == 60
        async with (
            httpx.AsyncClient(base_url=live, timeout=10) as http,
            http.stream("GET", EVENTS, params={"ticket": ticket}) as response,
        ):
            assert response.status_code == 200
            assert await next_event(read_events(response)) == ("ready", {})
        again = await committed_client.get(EVENTS, params={"ticket": ticket})
        assert again.status_code == 401


class TestLifespan:
    async def test_another_app_leaves_this_one_publishing(
        self, app: FastAPI, settings: Settings
    ) -> None:
        """A second app's start and stop (tests build many) leaves the process's publisher
        as it found it: when it set None, the streams above never got another event."""
        async with running(settings):
            pass
        publisher = use_publisher(app.state.cache.batch)
        assert publisher is app.state.cache.batch


class TestTicket:
    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.post(TICKET)).status_code == 401

    async def test_deactivated_user_cannot_redeem(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        ticket = (await client.post(TICKET, headers=auth_headers(user))).json()["ticket"]
        user.is_active = False
        await session.flush()
        assert (await client.get(EVENTS, params={"ticket": ticket})).status_code == 401
