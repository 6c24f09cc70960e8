"""The contract, "Digital Product Passports" and "Messages"."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import (
    assert_error_response,
    assert_timestamp,
    create_material,
    is_uuid,
    make_party,
)
from tests.factories import make_message

PASSPORT_FIELDS = {
    "passport_id",
    "material_id",
    "material_type",
    "title",
    "origin",
    "manufacture_date",
    "composition",
    "certifications",
    "sustainability_metrics",
    "metrics_history",
    "supply_chain",
    "issuer",
    "public_url",
    "created_at",
    "updated_at",
}


class TestPassport:
    async def test_every_field(self, client: AsyncClient, session: AsyncSession) -> None:
        _, headers = await make_party(session, company="Passport Mills")
        created = await create_material(client, headers)
        response = await client.get(f"/api/passports/{created['material_id']}")
        assert response.status_code == 200
        data = response.json()
        assert set(data) >= PASSPORT_FIELDS
        assert is_uuid(data["passport_id"])
        assert data["material_id"] == created["material_id"]
        assert data["material_type"] == "recycled_wool"
        assert data["title"] == created["title"]
        assert data["origin"] == "IT"
        assert data["manufacture_date"] == "2025-03-01"
        assert data["composition"][0] == {"fibre": "recycled_wool", "percent": 80}
        assert data["certifications"][0]["scheme"] == "GRS"
        metrics = data["sustainability_metrics"]
        assert set(metrics) >= {
            "carbon_footprint",
            "water_usage",
            "chemical_composition",
            "recorded_at",
        }
        assert metrics["carbon_footprint"] == 2.1
        assert_timestamp(metrics["recorded_at"])
        assert len(data["metrics_history"]) == 1
        assert data["supply_chain"][0]["stage"] == "weaving"
        assert data["issuer"] == {"company_name": "Passport Mills"}
        assert isinstance(data["public_url"], str)
        assert created["material_id"] in data["public_url"]
        assert_timestamp(data["created_at"])
        assert_timestamp(data["updated_at"])

    async def test_public_after_delete_and_archive(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, owner = await make_party(session)
        _, other = await make_party(session)
        archived = await create_material(client, owner)
        deleted = await create_material(client, owner)
        draft = await create_material(client, owner)
        await client.put(
            f"/api/materials/{archived['material_id']}", json={"status": "archived"}, headers=owner
        )
        await client.delete(f"/api/materials/{deleted['material_id']}", headers=owner)
        await client.put(
            f"/api/materials/{draft['material_id']}", json={"status": "draft"}, headers=owner
        )
        for material in (archived, deleted):
            assert (
                await client.get(f"/api/passports/{material['material_id']}")
            ).status_code == 200
        path = f"/api/passports/{draft['material_id']}"
        assert_error_response(await client.get(path), 404, "not_found")
        assert_error_response(await client.get(path, headers=other), 404, "not_found")
        assert (await client.get(path, headers=owner)).status_code == 200
        assert_error_response(await client.get(f"/api/passports/{uuid.uuid4()}"), 404, "not_found")

    async def test_update(self, client: AsyncClient, session: AsyncSession) -> None:
        _, owner = await make_party(session)
        _, other = await make_party(session)
        created = await create_material(client, owner)
        path = f"/api/passports/{created['material_id']}"
        body = {
            "origin": "PT",
            "manufacture_date": "2024-05-05",
            "supply_chain": [{"stage": "dyeing", "company": "Tinturaria", "country": "PT"}],
            "certifications": [],
            "composition": [{"fibre": "hemp", "percent": 100}],
        }
        response = await client.put(path, json=body, headers=owner)
        assert response.status_code == 200
        data = (await client.get(path)).json()
        assert data["origin"] == "PT"
        assert data["manufacture_date"] == "2024-05-05"
        assert data["supply_chain"][0]["stage"] == "dyeing"
        assert data["certifications"] == []
        assert data["composition"] == [{"fibre": "hemp", "percent": 100}]
        assert_error_response(await client.put(path, json=body), 401, "unauthorized")
        assert_error_response(await client.put(path, json=body, headers=other), 403, "forbidden")
        assert_error_response(
            await client.put(f"/api/passports/{uuid.uuid4()}", json=body, headers=owner),
            404,
            "not_found",
        )
        for bad in (
            {"origin": "ZZ"},
            {"composition": [{"fibre": "hemp", "percent": 50}]},
            {"passport_id": str(uuid.uuid4())},
            {"supply_chain": [{"stage": "magic", "company": "X", "country": "PT"}]},
        ):
            assert_error_response(
                await client.put(path, json=bad, headers=owner), 422, "validation_error"
            )

    async def test_metrics(self, client: AsyncClient, session: AsyncSession) -> None:
        _, owner = await make_party(session)
        _, other = await make_party(session)
        created = await create_material(client, owner)
        path = f"/api/passports/{created['material_id']}/metrics"
        body = {
            "carbon_footprint": 1.5,
            "water_usage": 80,
            "chemical_composition": [{"name": "Azo dye"}],
        }
        response = await client.post(path, json=body, headers=owner)
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {"metric_id", "created_at"}
        assert is_uuid(data["metric_id"])
        assert_timestamp(data["created_at"])
        passport = (await client.get(f"/api/passports/{created['material_id']}")).json()
        assert len(passport["metrics_history"]) == 2
        assert passport["sustainability_metrics"]["carbon_footprint"] == 1.5
        detail = (await client.get(f"/api/materials/{created['material_id']}")).json()
        assert detail["sustainability_metrics"]["carbon_footprint"] == 1.5  # latest
        assert_error_response(await client.post(path, json=body), 401, "unauthorized")
        assert_error_response(await client.post(path, json=body, headers=other), 403, "forbidden")
        assert_error_response(
            await client.post(f"/api/passports/{uuid.uuid4()}/metrics", json=body, headers=owner),
            404,
            "not_found",
        )
        for bad in ({"carbon_footprint": -1}, {"water_usage": "lots"}, {"extra": 1}):
            assert_error_response(
                await client.post(path, json=bad, headers=owner), 422, "validation_error"
            )

    async def test_qr_svg(self, client: AsyncClient, session: AsyncSession) -> None:
        _, owner = await make_party(session)
        created = await create_material(client, owner)
        response = await client.get(f"/api/passports/{created['material_id']}/qr.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert b"<svg" in response.content
        assert_error_response(
            await client.get(f"/api/passports/{uuid.uuid4()}/qr.svg"), 404, "not_found"
        )


class TestMessages:
    async def test_send(self, client: AsyncClient, session: AsyncSession) -> None:
        _, sender = await make_party(session)
        recipient, _ = await make_party(session)
        created = await create_material(client, sender)
        response = await client.post(
            "/api/messages",
            json={
                "recipient_id": str(recipient.id),
                "material_id": created["material_id"],
                "content": "<script>alert(1)</script> Hi ✓",
            },
            headers=sender,
        )
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {"message_id", "sent_at"}
        assert is_uuid(data["message_id"])
        assert_timestamp(data["sent_at"])

    async def test_send_errors(self, client: AsyncClient, session: AsyncSession) -> None:
        me, sender = await make_party(session)
        recipient, _ = await make_party(session)
        body = {"recipient_id": str(recipient.id), "content": "Hi"}
        assert_error_response(await client.post("/api/messages", json=body), 401, "unauthorized")
        assert_error_response(
            await client.post(
                "/api/messages", json={**body, "recipient_id": str(uuid.uuid4())}, headers=sender
            ),
            404,
            "not_found",
        )
        assert_error_response(
            await client.post(
                "/api/messages", json={**body, "material_id": str(uuid.uuid4())}, headers=sender
            ),
            404,
            "not_found",
        )
        for bad in (
            {**body, "content": ""},
            {**body, "content": "x" * 5001},
            {**body, "recipient_id": str(me.id)},
            {"recipient_id": str(recipient.id)},
        ):
            assert_error_response(
                await client.post("/api/messages", json=bad, headers=sender),
                422,
                "validation_error",
            )
        ok = await client.post(
            "/api/messages", json={**body, "content": "x" * 5000}, headers=sender
        )
        assert ok.status_code == 201

    async def test_history_unread_and_conversations(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        alice, alice_h = await make_party(session, company="Alice Co")
        bob, bob_h = await make_party(session, company="Bob Co")
        carol, carol_h = await make_party(session, company="Carol Co")
        t0 = datetime(2026, 1, 1, tzinfo=UTC)
        first = await make_message(session, alice, bob, "one", created_at=t0)
        second = await make_message(
            session, bob, alice, "two", created_at=t0 + timedelta(minutes=1)
        )
        third = await make_message(
            session, alice, bob, "three", created_at=t0 + timedelta(minutes=2)
        )
        await make_message(session, carol, bob, "from carol", created_at=t0 + timedelta(minutes=5))

        unread = await client.get("/api/messages/unread-count", headers=bob_h)
        assert unread.json() == {"unread_count": 3}

        convs = (await client.get("/api/messages/conversations", headers=bob_h)).json()
        assert [c["user_id"] for c in convs["conversations"]] == [str(carol.id), str(alice.id)]
        conv = convs["conversations"][1]
        assert set(conv) == {
            "user_id",
            "company_name",
            "last_message",
            "unread_count",
            "updated_at",
        }
        assert conv["company_name"] == "Alice Co"
        assert set(conv["last_message"]) == {"content", "sender_id", "sent_at"}
        assert conv["last_message"]["content"] == "three"
        assert conv["last_message"]["sender_id"] == str(alice.id)
        assert_timestamp(conv["last_message"]["sent_at"])
        assert conv["unread_count"] == 2
        assert_timestamp(conv["updated_at"])

        response = await client.get(f"/api/messages/{alice.id}", headers=bob_h)
        assert response.status_code == 200
        messages = response.json()["messages"]
        assert [m["message_id"] for m in messages] == [
            str(first.id),
            str(second.id),
            str(third.id),
        ]
        item = messages[0]
        assert set(item) == {
            "message_id",
            "sender_id",
            "recipient_id",
            "content",
            "material",
            "sent_at",
            "read_at",
        }
        assert item["material"] is None
        assert item["sender_id"] == str(alice.id)
        assert item["recipient_id"] == str(bob.id)
        assert_timestamp(item["sent_at"])
        assert (await client.get("/api/messages/unread-count", headers=bob_h)).json()[
            "unread_count"
        ] == 1
        # Read marks were applied: a second read shows read_at.
        again = (await client.get(f"/api/messages/{alice.id}", headers=bob_h)).json()["messages"]
        assert_timestamp(again[0]["read_at"])
        assert again[1]["read_at"] is None  # bob's own outgoing message, alice has not read it

        page = await client.get(f"/api/messages/{alice.id}", params={"limit": 2}, headers=bob_h)
        assert [m["content"] for m in page.json()["messages"]] == ["two", "three"]
        older = await client.get(
            f"/api/messages/{alice.id}",
            params={"limit": 2, "before": str(second.id)},
            headers=bob_h,
        )
        assert [m["content"] for m in older.json()["messages"]] == ["one"]

        empty = await client.get(f"/api/messages/{carol.id}", headers=alice_h)
        assert empty.json()["messages"] == []
        assert_error_response(
            await client.get(f"/api/messages/{uuid.uuid4()}", headers=bob_h), 404, "not_found"
        )
        _ = carol_h

    async def test_material_reference(self, client: AsyncClient, session: AsyncSession) -> None:
        alice, alice_h = await make_party(session)
        bob, bob_h = await make_party(session)
        created = await create_material(client, alice_h)
        await client.post(
            "/api/messages",
            json={
                "recipient_id": str(bob.id),
                "material_id": created["material_id"],
                "content": "see",
            },
            headers=alice_h,
        )
        messages = (await client.get(f"/api/messages/{alice.id}", headers=bob_h)).json()["messages"]
        assert messages[0]["material"] == {
            "material_id": created["material_id"],
            "title": created["title"],
        }

    @pytest.mark.parametrize(
        "path",
        [
            "/api/messages/conversations",
            "/api/messages/unread-count",
            f"/api/messages/{uuid.uuid4()}",
        ],
    )
    async def test_requires_auth(self, client: AsyncClient, path: str) -> None:
        assert_error_response(await client.get(path), 401, "unauthorized")
