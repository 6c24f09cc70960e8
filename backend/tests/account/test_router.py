import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import orjson
import pytest
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.images.models import Image
from fabricloop.materials.listing_cache import SEARCH_GENERATION_KEY, material_key
from fabricloop.materials.models import DigitalProductPassport, Material, PassportChange
from fabricloop.payments.models import Payment
from tests.factories import (
    DEFAULT_PASSWORD,
    auth_headers,
    make_material,
    make_message,
    make_transaction,
    make_user,
)
from tests.transactions.helpers import buy

EXPORT = "/api/auth/export"
DELETE = "/api/auth/delete"


async def add_payment(session: AsyncSession, transaction_id: uuid.UUID, payer: User) -> Payment:
    payment = Payment(
        transaction_id=transaction_id,
        payer_id=payer.id,
        amount=85,
        currency="EUR",
        status="succeeded",
        gateway="sandbox",
        gateway_reference=f"pi_{uuid.uuid4().hex}",
        payment_method="pm_card_visa",
    )
    session.add(payment)
    await session.flush()
    return payment


async def add_image(session: AsyncSession, owner: User, material: Material | None) -> Image:
    image = Image(
        owner_id=owner.id,
        material_id=material.id if material else None,
        storage_key=f"{uuid.uuid4().hex}.webp",
        thumbnail_key=f"{uuid.uuid4().hex}.webp",
        content_type="image/webp",
        width=10,
        height=10,
        size_bytes=100,
    )
    session.add(image)
    await session.flush()
    return image


class TestExport:
    async def test_contains_every_record_of_the_user_and_nothing_else(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(
            session, company_name="Me Mills", phone="+4915112345678", email="me@example.com"
        )
        buyer = await make_user(
            session, company_name="Buyer Brand", email="buyer-secret@example.com", role="brand"
        )
        seller = await make_user(
            session, company_name="Other Seller", email="seller-secret@example.com"
        )
        stranger = await make_user(session, company_name="Stranger Co")
        mine = await make_material(session, me, title="My denim", carbon_footprint=Decimal(3))
        theirs = await make_material(session, seller, title="Their wool")
        strangers = await make_material(session, stranger, title="Stranger silk")
        passport_id = (
            await session.execute(
                DigitalProductPassport.__table__.select().where(
                    DigitalProductPassport.material_id == mine.id
                )
            )
        ).first()
        assert passport_id is not None
        session.add(
            PassportChange(passport_id=passport_id.id, changed_by=me.id, kind="update", changes={})
        )
        image = await add_image(session, me, mine)
        await add_image(session, stranger, strangers)
        sale = await make_transaction(
            session,
            mine,
            buyer,
            shipping_address={
                "recipient_name": "Buyer Person",
                "line1": "9 Secret Lane",
                "city": "Lyon",
                "postal_code": "69001",
                "country": "FR",
            },
        )
        purchase = await make_transaction(session, theirs, me, status="paid")
        await make_transaction(session, strangers, buyer)
        await add_payment(session, purchase.id, me)
        sale_payment = await add_payment(session, sale.id, buyer)
        await make_message(session, buyer, me, "incoming")
        await make_message(session, me, seller, "outgoing")
        await make_message(session, buyer, stranger, "not mine")

        response = await client.get(EXPORT, headers=auth_headers(me))
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        today = datetime.now(UTC).date().isoformat()
        assert response.headers["content-disposition"] == (
            f"attachment; filename=fabricloop-export-{today}.json"
        )
        data = response.json()
        assert data["profile"]["user_id"] == str(me.id)
        assert data["profile"]["email"] == "me@example.com"
        assert data["profile"]["phone"] == "+4915112345678"
        assert "password_hash" not in data["profile"]
        assert [m["title"] for m in data["materials"]] == ["My denim"]
        material = data["materials"][0]
        assert material["metrics"][0]["carbon_footprint"] == 3
        assert [i["image_id"] for i in material["images"]] == [str(image.id)]
        assert material["passport"]["changes"][0]["kind"] == "update"
        assert [i["image_id"] for i in data["images"]] == [str(image.id)]
        by_role = {t["role"]: t for t in data["transactions"]}
        assert set(by_role) == {"buyer", "seller"}
        assert by_role["buyer"]["transaction_id"] == str(purchase.id)
        assert by_role["buyer"]["shipping_address"]["city"] == "Porto"
        assert by_role["seller"]["transaction_id"] == str(sale.id)
        assert "shipping_address" not in by_role["seller"]
        assert by_role["buyer"]["total"] == 85
        assert len(data["transactions"]) == 2
        payments = {p["payment_id"]: p for p in data["payments"]}
        assert len(payments) == 2
        assert "payment_method" not in payments[str(sale_payment.id)]
        assert sorted(m["content"] for m in data["messages"]) == ["incoming", "outgoing"]
        assert {u["company_name"] for u in data["users"]} == {"Buyer Brand", "Other Seller"}
        assert all(set(u) == {"user_id", "company_name"} for u in data["users"])
        text = response.text
        for secret in ("buyer-secret", "seller-secret", "Stranger", "not mine", "Secret Lane"):
            assert secret not in text
        assert data["exported_at"].endswith("Z")

    async def test_new_account_exports_empty_lists(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        data = (await client.get(EXPORT, headers=auth_headers(me))).json()
        for key in ("materials", "images", "transactions", "payments", "messages", "users"):
            assert data[key] == []

    async def test_anonymous(self, client: AsyncClient) -> None:
        response = await client.get(EXPORT)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"

    async def test_bad_token(self, client: AsyncClient) -> None:
        response = await client.get(EXPORT, headers={"Authorization": "Bearer ' OR 1=1 --"})
        assert response.status_code == 401


class TestDeleteAccount:
    async def test_deactivates_at_once(
        self,
        client: AsyncClient,
        session: AsyncSession,
        settings: Settings,
        redis: Redis,
    ) -> None:
        me = await make_user(session, email="leaving@example.com")
        other = await make_user(session)
        listing = await make_material(session, me)
        draft = await make_material(session, me, status="draft")
        others = await make_material(session, other)
        login = await client.post(
            "/api/auth/login", json={"email": "leaving@example.com", "password": DEFAULT_PASSWORD}
        )
        assert login.status_code == 200
        pair = login.json()
        headers = {"Authorization": f"Bearer {pair['token']}"}
        await redis.set(material_key(listing.id), b"{}")

        before = datetime.now(UTC)
        response = await client.delete(DELETE, headers=headers)
        assert response.status_code == 202
        data = response.json()
        assert data["status"] == "scheduled"
        delete_after = datetime.fromisoformat(data["delete_after"])
        expected = before + timedelta(days=settings.deletion_grace_days)
        assert abs((delete_after - expected).total_seconds()) < 60

        await session.refresh(me)
        assert me.is_active is False
        assert me.deleted_at is not None
        assert me.anonymised_at is None
        for material in (listing, draft):
            await session.refresh(material)
            assert material.status == "archived"
        await session.refresh(others)
        assert others.status == "active"
        assert await redis.get(material_key(listing.id)) is None
        assert int(await redis.get(SEARCH_GENERATION_KEY) or 0) >= 1

        assert (await client.get("/api/auth/me", headers=headers)).status_code == 401
        assert (await client.delete(DELETE, headers=headers)).status_code == 401
        relogin = await client.post(
            "/api/auth/login", json={"email": "leaving@example.com", "password": DEFAULT_PASSWORD}
        )
        assert relogin.status_code == 401
        refreshed = await client.post(
            "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert refreshed.status_code == 401

    async def test_listings_leave_search_and_its_cache(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        listing = await make_material(session, me, title="Leaving linen")
        search = f"/api/materials?seller_id={me.id}"
        before = await client.get(search)
        assert before.status_code == 200
        assert [m["material_id"] for m in before.json()["materials"]] == [str(listing.id)]
        assert (await client.get(f"/api/materials/{listing.id}")).status_code == 200
        # The search and the detail above are cached now; deletion must not leave them stale.
        assert (await client.delete(DELETE, headers=auth_headers(me))).status_code == 202
        after = await client.get(search)
        assert after.json()["materials"] == []
        assert after.json()["total"] == 0
        # An archived listing is no longer public.
        assert (await client.get(f"/api/materials/{listing.id}")).status_code == 404

    async def test_unpaid_orders_are_cancelled_and_their_stock_returned(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        buyer = await make_user(session)
        other_seller = await make_user(session)
        mine = await make_material(session, me, quantity=Decimal("100"))
        theirs = await make_material(session, other_seller, quantity=Decimal("100"))
        sold_to_buyer = await buy(client, auth_headers(buyer), mine.id, 10)
        bought_by_me = await buy(client, auth_headers(me), theirs.id, 5)
        paid = await make_transaction(session, mine, buyer, status="paid")
        unrelated = await buy(client, auth_headers(buyer), theirs.id, 7)

        assert (await client.delete(DELETE, headers=auth_headers(me))).status_code == 202

        for transaction, party in ((sold_to_buyer, buyer), (bought_by_me, other_seller)):
            response = await client.get(
                f"/api/transactions/{transaction['transaction_id']}", headers=auth_headers(party)
            )
            view = response.json()
            assert view["status"] == "cancelled"
            assert [h["status"] for h in view["status_history"]] == ["pending", "cancelled"]
        await session.refresh(paid)
        assert paid.status == "paid"
        still = await client.get(
            f"/api/transactions/{unrelated['transaction_id']}", headers=auth_headers(buyer)
        )
        assert still.json()["status"] == "pending"
        for material, quantity in ((mine, Decimal("100")), (theirs, Decimal("93"))):
            await session.refresh(material)
            assert material.quantity == quantity

    async def test_cannot_be_messaged_after(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        me = await make_user(session)
        other = await make_user(session)
        assert (await client.delete(DELETE, headers=auth_headers(me))).status_code == 202
        response = await client.post(
            "/api/messages",
            json={"recipient_id": str(me.id), "content": "hello?"},
            headers=auth_headers(other),
        )
        assert response.status_code == 404

    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.delete(DELETE)).status_code == 401

    @pytest.mark.parametrize("token", ["", "garbage", "Bearer"])
    async def test_bad_token(self, client: AsyncClient, token: str) -> None:
        response = await client.delete(DELETE, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_export_is_valid_json_for_decimal() -> None:
    from decimal import Decimal

    from fabricloop.account.service import _json_default

    assert orjson.loads(orjson.dumps({"x": Decimal("8.50")}, default=_json_default)) == {"x": 8.5}
