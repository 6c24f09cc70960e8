"""A sweep over every JSON response shape: snake_case keys, `*_id` fields are UUIDs,
`*_at` fields RFC 3339 UTC with Z, `*_date` fields YYYY-MM-DD, money and quantities numbers."""

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import (
    DATE,
    assert_number,
    assert_snake_keys,
    assert_timestamp,
    create_material,
    create_transaction,
    is_uuid,
    make_party,
    pay,
    upload_image,
)

NUMBERS = {
    "quantity",
    "price",
    "total",
    "unit_price",
    "amount",
    "kg_per_unit",
    "min_order_quantity",
    "carbon_footprint",
    "water_usage",
    "total_quantity_kg",
    "total_carbon_saved",
    "total_water_saved",
    "scope3_emissions",
}
NOT_UUID = {"certificate_id", "format_version"}


def sweep(data: Any, path: str = "") -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}"
            if key in ("fields", "changes") and path.endswith("changes[]"):
                continue  # a change log: {field name: {old, new}}
            if key.endswith("_id") and key not in NOT_UUID and value is not None:
                assert is_uuid(value), where
            if (key.endswith("_at") or key == "delete_after") and value is not None:
                assert_timestamp(value)
            if key.endswith("_date") and value is not None:
                assert isinstance(value, str), where
                assert DATE.match(value), where
            if key in NUMBERS and value is not None:
                assert_number(value)
            sweep(value, where)
    elif isinstance(data, list):
        for item in data:
            sweep(item, path + "[]")


async def test_every_shape(client: AsyncClient, session: AsyncSession) -> None:
    seller, seller_h = await make_party(session)
    buyer, buyer_h = await make_party(session, role="brand")
    image = await upload_image(client, seller_h)
    material = await create_material(client, seller_h, images=[image["image_id"]])
    mid = material["material_id"]
    tx = await create_transaction(client, buyer_h, mid)
    paid = (await pay(client, buyer_h, tx["transaction_id"])).json()
    await client.post(
        "/api/messages",
        json={"recipient_id": str(seller.id), "material_id": mid, "content": "Hi"},
        headers=buyer_h,
    )
    metric = await client.post(
        f"/api/passports/{mid}/metrics", json={"carbon_footprint": 1.1}, headers=seller_h
    )
    responses = [
        image,
        material,
        tx,
        paid,
        metric.json(),
        (await client.get(f"/api/materials/{mid}")).json(),
        (await client.get("/api/materials", params={"seller_id": str(seller.id)})).json(),
        (await client.get(f"/api/transactions/{tx['transaction_id']}", headers=buyer_h)).json(),
        (await client.get("/api/transactions", headers=seller_h)).json(),
        (await client.get(f"/api/payments/{paid['payment_id']}", headers=seller_h)).json(),
        (await client.get(f"/api/passports/{mid}")).json(),
        (await client.get("/api/messages/conversations", headers=seller_h)).json(),
        (await client.get(f"/api/messages/{buyer.id}", headers=seller_h)).json(),
        (await client.get("/api/messages/unread-count", headers=seller_h)).json(),
        (await client.get("/api/auth/me", headers=buyer_h)).json(),
        (await client.get("/api/auth/export", headers=buyer_h)).json(),
        (await client.get("/api/auth/export", headers=seller_h)).json(),
        (await client.get("/api/reports/sustainability", headers=buyer_h)).json(),
        (await client.get("/health")).json(),
    ]
    for data in responses:
        assert "error" not in data, data
        assert_snake_keys(data)
        sweep(data)
