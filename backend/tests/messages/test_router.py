import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.messages.models import Message
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_message, make_user

MESSAGES = "/api/messages"
CONVERSATIONS = "/api/messages/conversations"
UNREAD = "/api/messages/unread-count"


async def count_messages(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Message))).scalar_one())


class TestCreateMessage:
    async def test_valid_with_material(self, client: AsyncClient, session: AsyncSession) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand", company_name="Brand Co")
        material = await make_material(session, seller)
        response = await client.post(
            MESSAGES,
            json={
                "recipient_id": str(seller.id),
                "material_id": str(material.id),
                "content": "Is the jersey still available?",
            },
            headers=auth_headers(buyer),
        )
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {"message_id", "sent_at"}
        assert data["sent_at"].endswith("Z")
        stored = await session.get(Message, uuid.UUID(data["message_id"]))
        assert stored is not None
        assert stored.material_id == material.id
        assert stored.sender_id == buyer.id

    async def test_content_stored_verbatim(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        sender = await make_user(session)
        recipient = await make_user(session)
        content = "  <script>alert('x')</script> & ' OR 1=1 -- 🧵 Grüße\n  "
        response = await client.post(
            MESSAGES,
            json={"recipient_id": str(recipient.id), "content": content},
            headers=auth_headers(sender),
        )
        assert response.status_code == 201
        history = await client.get(f"{MESSAGES}/{sender.id}", headers=auth_headers(recipient))
        assert history.json()["messages"][0]["content"] == content

    async def test_anonymous(self, client: AsyncClient, session: AsyncSession) -> None:
        recipient = await make_user(session)
        response = await client.post(
            MESSAGES, json={"recipient_id": str(recipient.id), "content": "hi"}
        )
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")
        assert await count_messages(session) == 0

    async def test_unknown_recipient(self, client: AsyncClient, session: AsyncSession) -> None:
        sender = await make_user(session)
        response = await client.post(
            MESSAGES,
            json={"recipient_id": str(uuid.uuid4()), "content": "hi"},
            headers=auth_headers(sender),
        )
        assert response.status_code == 404
        assert_error(response.json(), "not_found")

    async def test_deactivated_recipient(self, client: AsyncClient, session: AsyncSession) -> None:
        sender = await make_user(session)
        gone = await make_user(session, is_active=False)
        response = await client.post(
            MESSAGES,
            json={"recipient_id": str(gone.id), "content": "hi"},
            headers=auth_headers(sender),
        )
        assert response.status_code == 404

    async def test_unknown_material(self, client: AsyncClient, session: AsyncSession) -> None:
        sender = await make_user(session)
        recipient = await make_user(session)
        response = await client.post(
            MESSAGES,
            json={
                "recipient_id": str(recipient.id),
                "material_id": str(uuid.uuid4()),
                "content": "hi",
            },
            headers=auth_headers(sender),
        )
        assert response.status_code == 404
        assert await count_messages(session) == 0

    async def test_someone_elses_draft_or_deleted_material(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session)
        draft = await make_material(session, seller, status="draft")
        deleted = await make_material(session, seller, deleted_at=datetime.now(UTC))
        for material in (draft, deleted):
            response = await client.post(
                MESSAGES,
                json={
                    "recipient_id": str(seller.id),
                    "material_id": str(material.id),
                    "content": "hi",
                },
                headers=auth_headers(buyer),
            )
            assert response.status_code == 404
        # The seller may still point at their own draft.
        own = await client.post(
            MESSAGES,
            json={"recipient_id": str(buyer.id), "material_id": str(draft.id), "content": "x"},
            headers=auth_headers(seller),
        )
        assert own.status_code == 201

    async def test_to_yourself(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        response = await client.post(
            MESSAGES,
            json={"recipient_id": str(user.id), "content": "note to self"},
            headers=auth_headers(user),
        )
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert response.json()["error"]["details"][0]["field"] == "recipient_id"

    @pytest.mark.parametrize(
        "body",
        [
            {"content": ""},
            {"content": "   \n\t "},
            {"content": "x" * 5001},
            {"content": 42},
            {"content": None},
            {"content": "a\x00b"},
            {"content": "lone \ud800 surrogate"},
            {"recipient_id": "not-a-uuid"},
            {"recipient_id": None},
            {"material_id": "nope"},
            {"sender_id": "00000000-0000-0000-0000-000000000000"},
            {"read_at": "2026-01-01T00:00:00Z"},
        ],
    )
    async def test_bad_input(
        self, client: AsyncClient, session: AsyncSession, body: dict[str, object]
    ) -> None:
        sender = await make_user(session)
        recipient = await make_user(session)
        payload: dict[str, object] = {"recipient_id": str(recipient.id), "content": "hello"}
        payload.update(body)
        # json.dumps escapes lone surrogates (\\ud800), which httpx's own encoder refuses.
        response = await client.post(
            MESSAGES,
            content=json.dumps(payload),
            headers={**auth_headers(sender), "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert await count_messages(session) == 0

    async def test_missing_fields(self, client: AsyncClient, session: AsyncSession) -> None:
        sender = await make_user(session)
        response = await client.post(MESSAGES, json={}, headers=auth_headers(sender))
        assert response.status_code == 422
        fields = {d["field"] for d in response.json()["error"]["details"]}
        assert fields == {"recipient_id", "content"}

    async def test_longest_content(self, client: AsyncClient, session: AsyncSession) -> None:
        sender = await make_user(session)
        recipient = await make_user(session)
        response = await client.post(
            MESSAGES,
            json={"recipient_id": str(recipient.id), "content": "é" * 5000},
            headers=auth_headers(sender),
        )
        assert response.status_code == 201


class TestListConversations:
    async def test_newest_first_with_preview_and_unread(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session, company_name="Me Ltd")
        alice = await make_user(session, company_name="Alice Mills")
        bob = await make_user(session, company_name="Bob Brands")
        stranger = await make_user(session)
        other = await make_user(session)
        base = datetime.now(UTC) - timedelta(hours=1)
        await make_message(session, alice, me, "old from alice", created_at=base)
        await make_message(session, alice, me, "x" * 300, created_at=base + timedelta(minutes=1))
        await make_message(session, me, bob, "to bob", created_at=base + timedelta(minutes=2))
        await make_message(session, bob, me, "read", created_at=base, read_at=base)
        await make_message(session, stranger, other, "not mine", created_at=base)

        response = await client.get(CONVERSATIONS, headers=auth_headers(me))
        assert response.status_code == 200
        data = response.json()
        assert data["total"] == 2
        assert data["page"] == 1
        conversations = data["conversations"]
        assert [c["user_id"] for c in conversations] == [str(bob.id), str(alice.id)]
        bob_conv, alice_conv = conversations
        assert bob_conv["company_name"] == "Bob Brands"
        assert bob_conv["last_message"]["content"] == "to bob"
        assert bob_conv["last_message"]["sender_id"] == str(me.id)
        assert bob_conv["unread_count"] == 0
        assert alice_conv["unread_count"] == 2
        assert alice_conv["last_message"]["content"] == "x" * 140
        assert alice_conv["updated_at"] == alice_conv["last_message"]["sent_at"]
        assert alice_conv["updated_at"].endswith("Z")

    async def test_empty(self, client: AsyncClient, session: AsyncSession) -> None:
        me = await make_user(session)
        response = await client.get(CONVERSATIONS, headers=auth_headers(me))
        assert response.json() == {"conversations": [], "total": 0, "page": 1, "limit": 20}

    async def test_pagination(self, client: AsyncClient, session: AsyncSession) -> None:
        me = await make_user(session)
        base = datetime.now(UTC) - timedelta(hours=1)
        partners = [await make_user(session) for _ in range(3)]
        for i, partner in enumerate(partners):
            await make_message(session, partner, me, "hi", created_at=base + timedelta(seconds=i))
        page2 = await client.get(f"{CONVERSATIONS}?page=2&limit=2", headers=auth_headers(me))
        data = page2.json()
        assert data["total"] == 3
        assert [c["user_id"] for c in data["conversations"]] == [str(partners[0].id)]
        past_end = await client.get(f"{CONVERSATIONS}?page=9&limit=2", headers=auth_headers(me))
        assert past_end.json()["total"] == 3
        assert past_end.json()["conversations"] == []
        clamped = await client.get(f"{CONVERSATIONS}?limit=1000", headers=auth_headers(me))
        assert clamped.json()["limit"] == 100

    @pytest.mark.parametrize("query", ["page=0", "limit=0", "page=abc", "limit=1.5"])
    async def test_bad_query(self, client: AsyncClient, session: AsyncSession, query: str) -> None:
        me = await make_user(session)
        response = await client.get(f"{CONVERSATIONS}?{query}", headers=auth_headers(me))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_query")

    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.get(CONVERSATIONS)
        assert response.status_code == 401


class TestUnreadCount:
    async def test_counts_only_unread_incoming(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        other = await make_user(session)
        await make_message(session, other, me, "one")
        await make_message(session, other, me, "two")
        await make_message(session, other, me, "seen", read_at=datetime.now(UTC))
        await make_message(session, me, other, "outgoing")
        response = await client.get(UNREAD, headers=auth_headers(me))
        assert response.status_code == 200
        assert response.json() == {"unread_count": 2}

    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.get(UNREAD)).status_code == 401


class TestGetConversation:
    async def test_oldest_first_and_marks_read(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        other = await make_user(session)
        third = await make_user(session)
        material = await make_material(session, other, title="Linen offcuts")
        base = datetime.now(UTC) - timedelta(hours=1)
        await make_message(session, other, me, "first", created_at=base, material_id=material.id)
        await make_message(session, me, other, "second", created_at=base + timedelta(seconds=1))
        await make_message(session, other, me, "third", created_at=base + timedelta(seconds=2))
        await make_message(session, third, me, "elsewhere", created_at=base)

        response = await client.get(f"{MESSAGES}/{other.id}", headers=auth_headers(me))
        assert response.status_code == 200
        messages = response.json()["messages"]
        assert [m["content"] for m in messages] == ["first", "second", "third"]
        assert messages[0]["material"] == {
            "material_id": str(material.id),
            "title": "Linen offcuts",
        }
        assert messages[1]["material"] is None
        assert set(messages[0]) == {
            "message_id",
            "sender_id",
            "recipient_id",
            "content",
            "material",
            "sent_at",
            "read_at",
        }
        # Incoming messages are read now; the caller's own outgoing one is not (other hasn't).
        assert messages[0]["read_at"] is not None
        assert messages[2]["read_at"] is not None
        assert messages[1]["read_at"] is None
        unread = await client.get(UNREAD, headers=auth_headers(me))
        assert unread.json() == {"unread_count": 1}  # from `third`, untouched
        # The other side still sees its own unread message from me.
        theirs = await client.get(UNREAD, headers=auth_headers(other))
        assert theirs.json() == {"unread_count": 1}

    @pytest.mark.parametrize(
        ("status", "deleted"), [("hidden", False), ("draft", False), ("active", True)]
    )
    async def test_a_listing_no_longer_visible_is_not_named(
        self, client: AsyncClient, session: AsyncSession, status: str, deleted: bool
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        other = await make_material(session, seller, title="Still listed")
        gone = await make_material(
            session,
            seller,
            title="Taken down",
            status=status,
            deleted_at=datetime.now(UTC) if deleted else None,
        )
        base = datetime.now(UTC) - timedelta(hours=1)
        await make_message(session, buyer, seller, "about it", created_at=base, material_id=gone.id)
        await make_message(
            session,
            buyer,
            seller,
            "and this",
            created_at=base + timedelta(seconds=1),
            material_id=other.id,
        )

        def named(body: dict[str, list[dict[str, object]]]) -> list[object]:
            return [m["material"] for m in body["messages"]]

        as_buyer = await client.get(f"{MESSAGES}/{seller.id}", headers=auth_headers(buyer))
        assert as_buyer.status_code == 200
        assert [m["content"] for m in as_buyer.json()["messages"]] == ["about it", "and this"]
        still = {"material_id": str(other.id), "title": "Still listed"}
        assert named(as_buyer.json()) == [None, still]
        # Its seller still sees the listing named, unless it was deleted.
        as_seller = await client.get(f"{MESSAGES}/{buyer.id}", headers=auth_headers(seller))
        mine = None if deleted else {"material_id": str(gone.id), "title": "Taken down"}
        assert named(as_seller.json()) == [mine, still]

    async def test_paginates_backwards(self, client: AsyncClient, session: AsyncSession) -> None:
        me = await make_user(session)
        other = await make_user(session)
        base = datetime.now(UTC) - timedelta(hours=1)
        sent = []
        for i in range(7):
            sender, recipient = (me, other) if i % 2 else (other, me)
            sent.append(
                await make_message(
                    session, sender, recipient, f"m{i}", created_at=base + timedelta(seconds=i)
                )
            )
        headers = auth_headers(me)
        newest = (await client.get(f"{MESSAGES}/{other.id}?limit=3", headers=headers)).json()
        assert [m["content"] for m in newest["messages"]] == ["m4", "m5", "m6"]
        assert newest["has_more"] is True
        cursor = newest["messages"][0]["message_id"]
        older = (
            await client.get(f"{MESSAGES}/{other.id}?limit=3&before={cursor}", headers=headers)
        ).json()
        assert [m["content"] for m in older["messages"]] == ["m1", "m2", "m3"]
        oldest = (
            await client.get(
                f"{MESSAGES}/{other.id}?limit=3&before={older['messages'][0]['message_id']}",
                headers=headers,
            )
        ).json()
        assert [m["content"] for m in oldest["messages"]] == ["m0"]
        assert oldest["has_more"] is False
        at = (base + timedelta(seconds=2)).isoformat().replace("+00:00", "Z")
        by_time = await client.get(f"{MESSAGES}/{other.id}", params={"before": at}, headers=headers)
        assert [m["content"] for m in by_time.json()["messages"]] == ["m0", "m1"]

    async def test_same_instant_is_ordered_by_id(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        other = await make_user(session)
        at = datetime.now(UTC) - timedelta(minutes=5)
        made = [await make_message(session, other, me, f"t{i}", created_at=at) for i in range(5)]
        expected = [m.content for m in sorted(made, key=lambda m: m.id)]
        headers = auth_headers(me)
        first = (await client.get(f"{MESSAGES}/{other.id}?limit=2", headers=headers)).json()
        rest = (
            await client.get(
                f"{MESSAGES}/{other.id}?limit=10&before={first['messages'][0]['message_id']}",
                headers=headers,
            )
        ).json()
        got = [m["content"] for m in rest["messages"] + first["messages"]]
        assert got == expected

    async def test_no_messages(self, client: AsyncClient, session: AsyncSession) -> None:
        me = await make_user(session)
        other = await make_user(session)
        response = await client.get(f"{MESSAGES}/{other.id}", headers=auth_headers(me))
        assert response.status_code == 200
        assert response.json() == {"messages": [], "has_more": False}

    async def test_unknown_user(self, client: AsyncClient, session: AsyncSession) -> None:
        me = await make_user(session)
        response = await client.get(f"{MESSAGES}/{uuid.uuid4()}", headers=auth_headers(me))
        assert response.status_code == 404
        assert_error(response.json(), "not_found")

    async def test_malformed_user_id(self, client: AsyncClient, session: AsyncSession) -> None:
        me = await make_user(session)
        response = await client.get(f"{MESSAGES}/not-a-uuid", headers=auth_headers(me))
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "query", ["before=yesterday", f"before={uuid.uuid4()}", "limit=0", "limit=x"]
    )
    async def test_bad_query(self, client: AsyncClient, session: AsyncSession, query: str) -> None:
        me = await make_user(session)
        other = await make_user(session)
        response = await client.get(f"{MESSAGES}/{other.id}?{query}", headers=auth_headers(me))
        assert response.status_code == 400
        assert_error(response.json(), "invalid_query")

    async def test_cursor_of_another_conversation(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        other = await make_user(session)
        third = await make_user(session)
        foreign = await make_message(session, third, other, "private")
        response = await client.get(
            f"{MESSAGES}/{other.id}?before={foreign.id}", headers=auth_headers(me)
        )
        assert response.status_code == 400

    async def test_cannot_read_others_conversations(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        alice = await make_user(session)
        bob = await make_user(session)
        await make_message(session, alice, bob, "secret")
        response = await client.get(f"{MESSAGES}/{bob.id}", headers=auth_headers(me))
        assert response.json()["messages"] == []

    async def test_anonymous(self, client: AsyncClient, session: AsyncSession) -> None:
        other = await make_user(session)
        assert (await client.get(f"{MESSAGES}/{other.id}")).status_code == 401
