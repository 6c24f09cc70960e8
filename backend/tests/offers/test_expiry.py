"""The periodic job that records open offers past their expiry as `expired`."""

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.app import periodic_jobs
from fabricloop.auth.models import User
from fabricloop.core.jobs import run_job
from fabricloop.materials.models import Material
from fabricloop.offers.models import Offer
from tests.factories import auth_headers
from tests.offers.helpers import OFFERS, act, make_offer


async def test_expires_due_open_offers_once(
    app: FastAPI,
    client: AsyncClient,
    session: AsyncSession,
    seller: User,
    buyer: User,
    material: Material,
) -> None:
    due = await make_offer(client, buyer, material)
    fresh = await make_offer(client, buyer, material, quantity=60)
    declined = await make_offer(client, buyer, material, quantity=70)
    assert (await act(client, seller, declined["offer_id"], "decline")).status_code == 200
    past = datetime.now(UTC) - timedelta(seconds=1)
    await session.execute(
        update(Offer)
        .where(Offer.id.in_([uuid.UUID(due["offer_id"]), uuid.UUID(declined["offer_id"])]))
        .values(expires_at=past)
    )
    (job,) = [
        j
        for j in periodic_jobs(
            app.state.cache, app.state.storage, app.state.payment_gateway, app.state.settings
        )
        if j.name == "expire_offers"
    ]
    assert await run_job(app.state.sessionmaker, job) == 1

    async def status_of(offer: dict[str, str]) -> str | None:
        return await session.scalar(
            select(Offer.status)
            .where(Offer.id == uuid.UUID(offer["offer_id"]))
            .execution_options(populate_existing=True)
        )

    assert await status_of(due) == "expired"
    assert await status_of(fresh) == "open"
    assert await status_of(declined) == "declined"  # a closed offer keeps its outcome
    # Idempotent: nothing is left to do.
    assert await run_job(app.state.sessionmaker, job) == 0
    listed = await client.get(OFFERS, params={"status": "expired"}, headers=auth_headers(buyer))
    assert [o["offer_id"] for o in listed.json()["offers"]] == [due["offer_id"]]
    answer = await act(client, seller, due["offer_id"], "accept")
    assert answer.status_code == 409
