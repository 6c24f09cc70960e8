"""The SQL one request sends, statement for statement, for writing a pgbench replay
(bench/pgbench/*.sql): `python -m bench.pgbench.capture` runs the app in this process against
DATABASE_URL / REDIS_URL (a scratch database: it migrates it and adds a seller, a buyer, a
listing and an order), sends each write endpoint the benchmarks replay once to warm up and
once more captured, and prints what SQLAlchemy sent for the second with its parameters."""

import asyncio
import itertools
import json
import os
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fabricloop.app import create_app
from fabricloop.auth import tokens
from fabricloop.config import Settings
from fabricloop.core import migrate
from fabricloop.ops.pgtools import connect, create_database_if_missing
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.purchases import ADDRESS
from bench.writes import LISTING, message_body, update_body

captured: list[tuple[str, Any]] = []


def _record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
    captured.append((statement, parameters))


async def _party(url: str, role: str) -> tuple[uuid.UUID, uuid.UUID]:
    connection = await connect(url)
    try:
        user = await connection.fetchval(
            "INSERT INTO users (email, password_hash, company_name, role) VALUES "
            "('capture-' || gen_random_uuid() || '@example.com', '!', 'Capture', $1) RETURNING id",
            role,
        )
        family = uuid.uuid4()
        await connection.execute(
            "INSERT INTO refresh_tokens (jti, user_id, family_id, expires_at) "
            "VALUES ($1, $2, $3, $4)",
            uuid.uuid4(),
            user,
            family,
            datetime.now(UTC) + timedelta(hours=1),
        )
        return user, family
    finally:
        await connection.close()


async def main() -> None:
    url = os.environ["DATABASE_URL"]
    secret = secrets.token_urlsafe(48)
    settings = Settings(jwt_secret=secret, stripe_secret_key="", sandbox_latency_ms=0)
    seller, seller_family = await _party(url, "manufacturer")
    buyer, buyer_family = await _party(url, "brand")

    def auth(user: uuid.UUID, family: uuid.UUID) -> dict[str, str]:
        token = tokens.issue(secret, user, "access", 3600, family_id=family)[0]
        return {"Authorization": f"Bearer {token}"}

    as_seller, as_buyer = auth(seller, seller_family), auth(buyer, buyer_family)
    event.listen(Engine, "before_cursor_execute", _record)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://capture") as client,
    ):
        listing = (await client.post("/api/materials", json=LISTING, headers=as_seller)).json()
        material_id = listing["material_id"]

        async def order() -> str:
            body = {"material_id": material_id, "quantity": 1, "shipping_address": ADDRESS}
            response = await client.post("/api/transactions", json=body, headers=as_buyer)
            return str(response.json()["transaction_id"])

        async def pay() -> Any:
            keyed = {**as_buyer, "Idempotency-Key": secrets.token_hex(16)}
            body = {"transaction_id": await order(), "payment_method": "pm_card_visa"}
            captured.clear()  # the order is not the payment's SQL
            return await client.post("/api/payments", json=body, headers=keyed)

        seeds = itertools.count()
        requests = {
            "create_listing": lambda: client.post(
                "/api/materials", json=LISTING, headers=as_seller
            ),
            "update_listing": lambda: client.put(
                f"/api/materials/{material_id}", json=update_body(next(seeds)), headers=as_seller
            ),
            "send_message": lambda: client.post(
                "/api/messages",
                json=message_body(seller, material_id, next(seeds)),
                headers=as_buyer,
            ),
            "pay": pay,
        }
        for name, send in requests.items():
            await send()
            captured.clear()
            response = await send()
            print(f"-- {name}: {response.status_code}")
            for statement, parameters in captured:
                print(statement.replace("\n", " ") + ";")
                print(f"--   {json.dumps(parameters, default=str)}")
    event.remove(Engine, "before_cursor_execute", _record)


if __name__ == "__main__":
    asyncio.run(create_database_if_missing(os.environ["DATABASE_URL"]))
    migrate.upgrade(os.environ["DATABASE_URL"])
    asyncio.run(main())
