"""Saved searches through the API, and the alerts job that notifies their owners of new
matching listings."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.app import periodic_jobs
from fabricloop.auth.models import User
from fabricloop.core.jobs import Job, run_job
from fabricloop.materials.models import MaterialPublication
from fabricloop.notifications.models import Notification
from fabricloop.saved_searches.service import MAX_SAVED_SEARCHES
from tests.factories import auth_headers, make_material, make_user

SAVED = "/api/saved-searches"
MATERIALS = "/api/materials"


async def save(client: AsyncClient, user: User, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "Organic jersey")
    body.setdefault("query", {"q": "jersey", "material_type": "organic_cotton"})
    response = await client.post(SAVED, json=body, headers=auth_headers(user))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def listing(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Organic cotton jersey",
        "description": "Soft knit",
        "material_type": "organic_cotton",
        "quantity": 50,
        "unit": "kg",
        "price": 7.5,
        "currency": "EUR",
        "origin_country": "PT",
    }
    body.update(overrides)
    return body


async def publish(client: AsyncClient, seller: User, **overrides: Any) -> str:
    response = await client.post(MATERIALS, json=listing(**overrides), headers=auth_headers(seller))
    assert response.status_code == 201, response.text
    material_id: str = response.json()["material_id"]
    return material_id


@pytest.fixture
def job(app: FastAPI) -> Job:
    (found,) = [
        j
        for j in periodic_jobs(
            app.state.cache, app.state.storage, app.state.payment_gateway, app.state.settings
        )
        if j.name == "match_saved_searches"
    ]
    return found


async def notifications_of(session: AsyncSession, user: User) -> list[Notification]:
    result = await session.execute(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.id)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


class TestSavedSearches:
    async def test_create_list_delete(
        self, client: AsyncClient, buyer: User, session: AsyncSession
    ) -> None:
        created = await save(
            client,
            buyer,
            name="  Cheap   navy ",
            query={
                "q": "jersey",
                "material_type": ["organic_cotton", "cotton"],
                "currency": "eur",
                "max_price": 10,
                "color": "Navy",
                "display_currency": "usd",
                "page": 3,
            },
            alert=False,
        )
        assert set(created) == {"saved_search_id", "name", "query", "alert", "created_at"}
        assert created["name"] == "Cheap navy"
        assert created["alert"] is False
        # Checked and normalised as the search does; page and limit are not kept.
        assert created["query"] == {
            "q": "jersey",
            "material_type": ["organic_cotton", "cotton"],
            "currency": "EUR",
            "max_price": "10",
            "color": "navy",
            "display_currency": "USD",
        }
        second = await save(client, buyer, query={})
        assert second["alert"] is True  # the default
        other = await make_user(session)
        await save(client, other)
        listed = await client.get(SAVED, headers=auth_headers(buyer))
        assert listed.status_code == 200
        data = listed.json()
        assert (data["total"], data["page"], data["limit"]) == (2, 1, 20)
        order = [s["saved_search_id"] for s in data["saved_searches"]]
        assert set(order) == {second["saved_search_id"], created["saved_search_id"]}
        paged = await client.get(SAVED, params={"limit": 1, "page": 2}, headers=auth_headers(buyer))
        assert [s["saved_search_id"] for s in paged.json()["saved_searches"]] == order[1:]
        gone = await client.delete(
            f"{SAVED}/{created['saved_search_id']}", headers=auth_headers(buyer)
        )
        assert gone.status_code == 204
        assert gone.content == b""
        again = await client.delete(
            f"{SAVED}/{created['saved_search_id']}", headers=auth_headers(buyer)
        )
        assert again.status_code == 404
        assert again.json()["error"]["code"] == "not_found"
        assert (await client.get(SAVED, headers=auth_headers(buyer))).json()["total"] == 1

    async def test_others_cannot_see_or_delete(
        self, client: AsyncClient, buyer: User, session: AsyncSession
    ) -> None:
        mine = await save(client, buyer)
        other = await make_user(session)
        response = await client.delete(
            f"{SAVED}/{mine['saved_search_id']}", headers=auth_headers(other)
        )
        assert response.status_code == 404
        assert (await client.get(SAVED, headers=auth_headers(other))).json()["total"] == 0
        assert (await client.get(SAVED, headers=auth_headers(buyer))).json()["total"] == 1

    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.get(SAVED)).status_code == 401
        assert (await client.post(SAVED, json={"name": "x", "query": {}})).status_code == 401
        assert (await client.delete(f"{SAVED}/{uuid.uuid4()}")).status_code == 401

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": "", "query": {}}, "name"),
            ({"name": "   ", "query": {}}, "name"),
            ({"name": "x" * 101, "query": {}}, "name"),
            ({"name": "bad\x00", "query": {}}, "name"),
            ({"query": {}}, "name"),
            ({"name": "x"}, "query"),
            ({"name": "x", "query": "q=jersey"}, "query"),
            ({"name": "x", "query": {"min_price": -1}}, "query.min_price"),
            ({"name": "x", "query": {"min_price": 5, "max_price": 2}}, "query.min_price"),
            ({"name": "x", "query": {"material_type": ["silkk"]}}, "query.material_type.0"),
            ({"name": "x", "query": {"display_currency": "XYZ"}}, "query.display_currency"),
            ({"name": "x", "query": {"min_width_cm": -3}}, "query.min_width_cm"),
            ({"name": "x", "query": {"bogus": 1}}, "query.bogus"),
            ({"name": "x", "query": {}, "alert": "sometimes"}, "alert"),
            ({"name": "x", "query": {}, "user_id": str(uuid.uuid4())}, "user_id"),
        ],
    )
    async def test_invalid(
        self, client: AsyncClient, buyer: User, body: dict[str, Any], field: str
    ) -> None:
        response = await client.post(SAVED, json=body, headers=auth_headers(buyer))
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert any(d["field"] == field for d in error["details"]), error
        assert (await client.get(SAVED, headers=auth_headers(buyer))).json()["total"] == 0

    async def test_bad_ids_and_pages(self, client: AsyncClient, buyer: User) -> None:
        assert (
            await client.delete(f"{SAVED}/not-a-uuid", headers=auth_headers(buyer))
        ).status_code == 404
        response = await client.get(SAVED, params={"page": 0}, headers=auth_headers(buyer))
        assert response.status_code == 400

    async def test_at_most_so_many(
        self, client: AsyncClient, buyer: User, session: AsyncSession
    ) -> None:
        from fabricloop.saved_searches.models import SavedSearch

        session.add_all(
            SavedSearch(user_id=buyer.id, name=f"s{i}", query={}, alert=False)
            for i in range(MAX_SAVED_SEARCHES)
        )
        await session.flush()
        response = await client.post(
            SAVED, json={"name": "one more", "query": {}}, headers=auth_headers(buyer)
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "too_many_saved_searches"


class TestAlerts:
    async def test_a_new_matching_listing_notifies_once(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        job: Job,
    ) -> None:
        alerting = await save(
            client, buyer, name="PT jersey", query={"q": "jersey", "origin_country": "pt"}
        )
        await save(client, buyer, name="Quiet", query={"q": "jersey"}, alert=False)
        cheap = await save(
            client, buyer, name="Under 5 USD", query={"display_currency": "USD", "max_price": 5}
        )
        own = await save(client, seller, name="My own", query={"q": "jersey"})
        matching = await publish(client, seller)
        await publish(client, seller, title="Linen canvas", material_type="linen")
        await publish(client, seller, origin_country="FR")
        assert await run_job(app.state.sessionmaker, job) == 1
        (notification,) = await notifications_of(session, buyer)
        assert notification.kind == "saved_search_match"
        assert "PT jersey" in notification.title
        assert notification.body == "Organic cotton jersey"
        assert notification.link == f"/materials/{matching}"
        assert await notifications_of(session, seller) == []  # not for one's own listing
        assert own["alert"] is True
        # The queue is empty: a second run notifies nothing again.
        assert await run_job(app.state.sessionmaker, job) == 0
        left = await session.scalar(select(func.count()).select_from(MaterialPublication))
        assert left == 0
        # Published again (archived, then active): already matched, not notified twice.
        for status in ("archived", "active"):
            response = await client.put(
                f"{MATERIALS}/{matching}", json={"status": status}, headers=auth_headers(seller)
            )
            assert response.status_code == 200, response.text
        assert await run_job(app.state.sessionmaker, job) == 0
        # A deleted saved search alerts no more.
        await client.delete(f"{SAVED}/{alerting['saved_search_id']}", headers=auth_headers(buyer))
        await publish(client, seller, title="Another jersey")
        assert await run_job(app.state.sessionmaker, job) == 0
        assert len(await notifications_of(session, buyer)) == 1
        assert cheap["query"] == {"display_currency": "USD", "max_price": "5"}

    async def test_converted_prices_and_a_draft_published_later(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        job: Job,
    ) -> None:
        from fabricloop.fx import service as fx

        await fx.import_rates(session, "Date, USD, \n04 December 2026, 1.2500, \n")
        await save(
            client, buyer, name="Under 10 USD", query={"display_currency": "USD", "max_price": 10}
        )
        # 7.50 EUR = 9.38 USD: a match; 9 EUR = 11.25 USD: none.
        draft = await make_material(
            session, seller, title="Draft jersey", price=Decimal("7.50"), status="draft"
        )
        await publish(client, seller, price=9)
        assert await run_job(app.state.sessionmaker, job) == 0
        response = await client.put(
            f"{MATERIALS}/{draft.id}", json={"status": "active"}, headers=auth_headers(seller)
        )
        assert response.status_code == 200, response.text
        assert await run_job(app.state.sessionmaker, job) == 1
        (notification,) = await notifications_of(session, buyer)
        assert notification.link == f"/materials/{draft.id}"

    async def test_saved_searches_in_the_export(self, client: AsyncClient, buyer: User) -> None:
        saved = await save(client, buyer)
        exported = (await client.get("/api/auth/export", headers=auth_headers(buyer))).json()
        assert [s["saved_search_id"] for s in exported["saved_searches"]] == [
            saved["saved_search_id"]
        ]
        assert exported["saved_searches"][0]["query"] == saved["query"]
