"""The operator's accounts: list, detail, suspension (sign-in, tokens, listings) and back."""

from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.audit.models import AdminAction
from tests.factories import (
    DEFAULT_PASSWORD,
    address,
    auth_headers,
    make_admin,
    make_material,
    make_transaction,
    make_user,
)


async def login(client: AsyncClient, email: str, password: str = DEFAULT_PASSWORD) -> dict:  # type: ignore[type-arg]
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    return {"status": response.status_code, **response.json()}


async def test_list_and_filter_users(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    mill = await make_user(session, company_name="Zürich Weberei AG", email="ops@weberei.example")
    brand = await make_user(session, role="brand", company_name="Brand 100% Ltd")
    headers = auth_headers(admin)

    async def ids(**query: str) -> list[str]:
        response = await client.get("/api/admin/users", params=query, headers=headers)
        assert response.status_code == 200, response.text
        return [u["user_id"] for u in response.json()["users"]]

    assert set(await ids()) >= {str(admin.id), str(mill.id), str(brand.id)}
    assert await ids(q="zürich") == [str(mill.id)]
    assert await ids(q="WEBEREI.example") == [str(mill.id)]
    assert await ids(q="100%") == [str(brand.id)]  # a literal %, not a wildcard
    assert str(brand.id) in await ids(role="brand")
    assert str(mill.id) not in await ids(role="brand")
    assert str(admin.id) in await ids(role="admin")
    assert str(mill.id) in await ids(verified="false", suspended="false")
    assert await ids(q="zürich", verified="true") == []
    assert await ids(q="zürich", has_company_details="true") == []
    body = (await client.get("/api/admin/users?q=z%C3%BCrich", headers=headers)).json()
    (row,) = body["users"]
    assert row == {
        "user_id": str(mill.id),
        "email": "ops@weberei.example",
        "company_name": "Zürich Weberei AG",
        "role": "manufacturer",
        "verified": False,
        "suspended": False,
        "has_company_details": False,
        "created_at": row["created_at"],
    }
    for bad in ("role=emperor", "verified=perhaps", "page=0", "q=" + "x" * 201):
        response = await client.get(f"/api/admin/users?{bad}", headers=headers)
        assert response.status_code == 400, bad
    nul = await client.get("/api/admin/users", params={"q": "a\x00b"}, headers=headers)
    assert nul.status_code == 400


async def test_user_detail(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    seller = await make_user(session)
    buyer = await make_user(session, role="brand")
    material = await make_material(session, seller)
    await make_transaction(session, material, buyer)
    headers = auth_headers(admin)
    response = await client.get(f"/api/admin/users/{seller.id}", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["listings"], body["orders_as_seller"], body["orders_as_buyer"]) == (1, 1, 0)
    assert body["company"] is None
    assert body["suspended_at"] is None
    missing = await client.get(
        "/api/admin/users/00000000-0000-0000-0000-000000000000", headers=headers
    )
    assert missing.status_code == 404


async def test_suspension_ends_sign_in_tokens_and_listings(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await make_admin(session)
    seller = await make_user(session)
    other = await make_user(session, role="brand")
    material = await make_material(session, seller, title="Suspended seller's viscose")
    pair = await login(client, seller.email)
    assert pair["status"] == 200
    access = {"Authorization": f"Bearer {pair['token']}"}
    assert (await client.get("/api/auth/me", headers=access)).status_code == 200
    assert (await client.get(f"/api/materials/{material.id}")).status_code == 200  # cached
    searched = await client.get("/api/materials", params={"q": "viscose"})
    assert searched.json()["total"] == 1

    response = await client.post(
        f"/api/admin/users/{seller.id}/suspend",
        json={"reason": "Counterfeit certificates — repeated"},
        headers=auth_headers(admin),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["suspended"] is True
    assert body["listings_changed"] == 1
    assert body["suspension_reason"] == "Counterfeit certificates — repeated"

    # Sign-in: 403 with the right password, the usual 401 with a wrong one.
    refused = await login(client, seller.email)
    assert refused["status"] == 403
    assert refused["error"]["code"] == "account_suspended"
    assert (await login(client, seller.email, "Wr0ngPassword"))["status"] == 401
    # Live tokens stop at once.
    assert (await client.get("/api/auth/me", headers=access)).status_code == 401
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert (await client.get("/api/auth/me", headers=auth_headers(seller))).status_code == 401
    # Listings: gone from search and the cache, 404 to others, visible to the operator.
    assert (await client.get("/api/materials", params={"q": "viscose"})).json()["total"] == 0
    listed = await client.get("/api/materials", params={"seller_id": str(seller.id)})
    assert listed.json()["total"] == 0
    assert (await client.get(f"/api/materials/{material.id}")).status_code == 404
    as_other = await client.get(f"/api/materials/{material.id}", headers=auth_headers(other))
    assert as_other.status_code == 404
    assert (await client.get(f"/api/sellers/{seller.id}")).status_code == 404
    as_admin = await client.get(f"/api/materials/{material.id}", headers=auth_headers(admin))
    assert as_admin.status_code == 200
    assert as_admin.json()["status"] == "hidden"
    bought = await client.post(
        "/api/transactions",
        json={"material_id": str(material.id), "quantity": 1},
        headers=auth_headers(other),
    )
    assert bought.status_code == 404
    offered = await client.post(
        "/api/offers",
        json={"material_id": str(material.id), "quantity": 1, "unit_price": 5, "currency": "EUR"},
        headers=auth_headers(other),
    )
    assert offered.status_code == 404
    again = await client.post(
        f"/api/admin/users/{seller.id}/suspend", json={"reason": "x"}, headers=auth_headers(admin)
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_suspended"

    restored = await client.post(
        f"/api/admin/users/{seller.id}/unsuspend", json={}, headers=auth_headers(admin)
    )
    assert restored.status_code == 200
    assert restored.json()["listings_changed"] == 1
    assert (await login(client, seller.email))["status"] == 200
    assert (await client.get(f"/api/materials/{material.id}")).json()["status"] == "active"
    assert (await client.get("/api/materials", params={"q": "viscose"})).json()["total"] == 1
    assert (await client.get(f"/api/sellers/{seller.id}")).json()["listing_count"] == 1
    twice = await client.post(
        f"/api/admin/users/{seller.id}/unsuspend", json={}, headers=auth_headers(admin)
    )
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "not_suspended"
    actions = (
        await session.scalars(
            select(AdminAction.action)
            .where(AdminAction.target_id == seller.id)
            .order_by(AdminAction.created_at, AdminAction.action)
        )
    ).all()
    assert sorted(actions) == ["user.suspend", "user.unsuspend"]


async def test_suspension_cancels_unpaid_orders_and_returns_stock(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await make_admin(session)
    seller = await make_user(session)
    buyer = await make_user(session, role="brand")
    material = await make_material(session, seller, quantity=Decimal("50"))
    ordered = await client.post(
        "/api/transactions",
        json={"material_id": str(material.id), "quantity": 20, "shipping_address": address()},
        headers=auth_headers(buyer),
    )
    assert ordered.status_code == 201, ordered.text
    order_id = ordered.json()["transaction_id"]
    paid = await make_transaction(session, material, buyer, status="paid")
    # The suspended account's own purchases from someone else are cancelled too.
    other_seller = await make_user(session)
    other_material = await make_material(session, other_seller)
    as_buyer = await make_transaction(session, other_material, seller)
    await session.commit()

    response = await client.post(
        f"/api/admin/users/{seller.id}/suspend",
        json={"reason": "Ships nothing"},
        headers=auth_headers(admin),
    )
    assert response.status_code == 200, response.text
    assert response.json()["orders_cancelled"] == 2

    order = await client.get(f"/api/transactions/{order_id}", headers=auth_headers(buyer))
    assert order.json()["status"] == "cancelled"
    for row in (paid, as_buyer):
        await session.refresh(row)
    assert (paid.status, as_buyer.status) == ("paid", "cancelled")  # paid orders stay
    await session.refresh(material)
    assert material.quantity == Decimal("50")  # the 20 reserved came back
    told = await client.get("/api/notifications", headers=auth_headers(buyer))
    assert any(n["link"].endswith(order_id) for n in told.json()["notifications"])
    (details,) = (
        await session.scalars(
            select(AdminAction.details).where(
                AdminAction.target_id == seller.id, AdminAction.action == "user.suspend"
            )
        )
    ).all()
    assert details == {"listings_withheld": 1, "orders_cancelled": 2}
    restored = await client.post(
        f"/api/admin/users/{seller.id}/unsuspend", json={}, headers=auth_headers(admin)
    )
    assert restored.json()["orders_cancelled"] == 0


async def test_suspend_errors(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    user = await make_user(session)
    headers = auth_headers(admin)
    self_ = await client.post(
        f"/api/admin/users/{admin.id}/suspend", json={"reason": "oops"}, headers=headers
    )
    assert self_.status_code == 409
    assert self_.json()["error"]["code"] == "cannot_suspend_self"
    assert (await client.get("/api/auth/me", headers=headers)).status_code == 200
    unknown = await client.post(
        "/api/admin/users/00000000-0000-0000-0000-000000000000/suspend",
        json={"reason": "x"},
        headers=headers,
    )
    assert unknown.status_code == 404
    for body in (
        {},
        {"reason": ""},
        {"reason": "   "},
        {"reason": "x" * 1001},
        {"reason": "nul\x00"},
        {"reason": 5},
        {"reason": "x", "extra": 1},
    ):
        response = await client.post(
            f"/api/admin/users/{user.id}/suspend", json=body, headers=headers
        )
        assert response.status_code == 422, body
    assert (await client.get("/api/auth/me", headers=auth_headers(user))).status_code == 200
    not_suspended = await client.post(
        f"/api/admin/users/{user.id}/unsuspend", json={"reason": None}, headers=headers
    )
    assert not_suspended.status_code == 409


async def test_operator_hide_survives_unsuspension(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await make_admin(session)
    seller = await make_user(session)
    hidden = await make_material(session, seller, title="Hidden one")
    kept = await make_material(session, seller, title="Kept one", status="draft")
    headers = auth_headers(admin)
    hide = await client.post(
        f"/api/admin/materials/{hidden.id}/hide", json={"reason": "Fake GOTS"}, headers=headers
    )
    assert hide.status_code == 200
    await client.post(
        f"/api/admin/users/{seller.id}/suspend", json={"reason": "x"}, headers=headers
    )
    # Unhiding while suspended keeps the listing withheld.
    unhidden = await client.post(
        f"/api/admin/materials/{hidden.id}/unhide", json={}, headers=headers
    )
    assert unhidden.json()["status"] == "hidden"
    await client.post(
        f"/api/admin/materials/{hidden.id}/hide", json={"reason": "Again"}, headers=headers
    )
    await client.post(f"/api/admin/users/{seller.id}/unsuspend", json={}, headers=headers)
    seller_headers = auth_headers(seller)
    mine = (await client.get(f"/api/materials/{hidden.id}", headers=seller_headers)).json()
    assert (mine["status"], mine["hidden_reason"]) == ("hidden", "Again")
    draft = (await client.get(f"/api/materials/{kept.id}", headers=seller_headers)).json()
    assert draft["status"] == "draft"
