"""GET /api/admin/stats and GET /api/admin/ledger."""

from datetime import UTC, datetime
from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.disputes.models import Dispute
from fabricloop.ledger.models import LedgerEntry
from tests.factories import auth_headers, make_admin, make_material, make_transaction, make_user

DAY = datetime(2026, 3, 10, 12, tzinfo=UTC)


async def test_stats_over_a_range(client: AsyncClient, session: AsyncSession) -> None:
    admin = await make_admin(session)
    seller = await make_user(session, created_at=DAY)
    buyer = await make_user(session, role="brand", created_at=DAY)
    cotton = await make_material(session, seller, water_usage=Decimal("0"))
    gbp = await make_material(session, seller, currency="GBP", price=Decimal("3.00"))
    paid = await make_transaction(
        session,
        cotton,
        buyer,
        status="completed",
        paid_at=DAY,
        created_at=DAY,
        platform_fee=Decimal("4.25"),
        refunded_amount=Decimal("5.00"),
    )
    await make_transaction(
        session,
        gbp,
        buyer,
        status="paid",
        paid_at=DAY,
        created_at=DAY,
        platform_fee=Decimal("1.50"),
    )
    await make_transaction(session, cotton, buyer, status="pending", created_at=DAY)
    await make_transaction(
        session, cotton, buyer, status="paid", paid_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    session.add(
        Dispute(
            transaction_id=paid.id,
            source="buyer",
            opened_by=buyer.id,
            reason="damaged",
            details="Torn",
            created_at=DAY,
        )
    )
    await session.flush()
    response = await client.get(
        "/api/admin/stats?start_date=2026-03-01&end_date=2026-03-31", headers=auth_headers(admin)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["start_date"], body["end_date"]) == ("2026-03-01", "2026-03-31")
    assert body["by_currency"] == [
        {"currency": "EUR", "orders": 1, "gmv": 85.0, "refunded": 5.0, "platform_fees": 4.25},
        {"currency": "GBP", "orders": 1, "gmv": 30.0, "refunded": 0.0, "platform_fees": 1.5},
    ]
    assert body["orders_by_status"] == {
        "pending": 1,
        "paid": 1,
        "shipped": 0,
        "completed": 1,
        "cancelled": 0,
    }
    assert body["disputes"] == {"open": 1, "opened": 1, "resolved": 0}
    assert body["new_accounts"] == {
        "total": 2,
        "by_role": {"manufacturer": 1, "brand": 1, "admin": 0},
    }
    impact = body["impact"]
    assert impact["purchases"] == 2
    assert impact["quantity_kg"] == 20.0
    assert impact["carbon_saved"] > 0
    assert impact["water_saved"] > 0


async def test_stats_bad_ranges(client: AsyncClient, session: AsyncSession) -> None:
    headers = auth_headers(await make_admin(session))
    for query in (
        "start_date=2026-03-31&end_date=2026-03-01",
        "start_date=2026-02-30",
        "end_date=tomorrow",
        "start_date=2010-01-01&end_date=2026-01-01",
        "start_date=%00",
    ):
        response = await client.get(f"/api/admin/stats?{query}", headers=headers)
        assert response.status_code == 400, query
        assert response.json()["error"]["code"] == "invalid_date_range"
    default = await client.get("/api/admin/stats", headers=headers)
    assert default.status_code == 200


async def test_ledger(client: AsyncClient, session: AsyncSession) -> None:
    headers = auth_headers(await make_admin(session))
    seller = await make_user(session)
    material = await make_material(session, seller)
    paid = await make_transaction(
        session,
        material,
        await make_user(session, role="brand"),
        status="paid",
        platform_fee=Decimal("4.25"),
        payout_status="held",
    )
    session.add_all(
        [
            LedgerEntry(
                transaction_id=paid.id,
                kind="charge",
                amount=Decimal("85.00"),
                currency="EUR",
                reference="pi_1",
            ),
            LedgerEntry(transaction_id=paid.id, kind="fee", amount=Decimal("4.25"), currency="EUR"),
        ]
    )
    await session.flush()
    response = await client.get(f"/api/admin/ledger?transaction_id={paid.id}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(e["kind"], e["amount"]) for e in body["entries"]] == [("charge", 85.0), ("fee", 4.25)]
    assert (body["charges"], body["fees"], body["held"]) == (85.0, 4.25, 80.75)
    assert body["consistent"] is True
    assert body["problems"] == []
    unknown = await client.get(
        "/api/admin/ledger?transaction_id=00000000-0000-0000-0000-000000000000", headers=headers
    )
    assert unknown.status_code == 404
    for query in ("", "?transaction_id=nope"):
        assert (await client.get(f"/api/admin/ledger{query}", headers=headers)).status_code == 400
