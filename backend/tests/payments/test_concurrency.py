"""Payment races against real PostgreSQL: every request commits on its own connection."""

import asyncio
import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
import stripe
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.payments.gateway import ChargeRequest, ChargeResult, to_minor_units
from fabricloop.payments.models import Payment
from fabricloop.payments.sandbox import SandboxGateway
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_transaction, make_user
from tests.payments.helpers import gateway_swapped

pytestmark = pytest.mark.concurrency
PAYMENTS = "/api/payments"


class GatedGateway:
    """The sandbox, held at the gateway call until the test lets it go: a slow provider."""

    name = "sandbox"

    def __init__(self) -> None:
        self.inner = SandboxGateway()
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.calls = 0

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        self.calls += 1
        self.entered.set()
        await self.release.wait()
        return await self.inner.charge(request)

    async def check(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


@pytest.fixture
def gate(app: FastAPI) -> Iterator[GatedGateway]:
    with gateway_swapped(app, GatedGateway()) as gateway:
        yield gateway


async def setup(committed: async_sessionmaker[AsyncSession]) -> tuple[Transaction, User]:
    async with committed() as session:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller)
        transaction = await make_transaction(session, material, buyer, quantity=Decimal("2"))
        await session.commit()
    return transaction, buyer


async def payments(committed: async_sessionmaker[AsyncSession]) -> list[Payment]:
    async with committed() as session:
        return list((await session.execute(select(Payment))).scalars())


async def test_two_concurrent_payments_one_success(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    transaction, buyer = await setup(committed)
    body = {"transaction_id": str(transaction.id), "payment_method": "pm_card_visa"}
    responses = await asyncio.gather(
        *(committed_client.post(PAYMENTS, json=body, headers=auth_headers(buyer)) for _ in range(2))
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert_error(loser.json(), "already_paid")
    rows = await payments(committed)
    assert [p.status for p in rows] == ["succeeded"]
    async with committed() as session:
        stored = await session.get(Transaction, transaction.id)
        assert stored is not None
        assert stored.status == "paid"


async def test_retry_while_first_is_running_is_409_then_replayed(
    committed_client: AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    gate: GatedGateway,
) -> None:
    transaction, buyer = await setup(committed)
    body = {"transaction_id": str(transaction.id), "payment_method": "pm_card_visa"}
    headers = {**auth_headers(buyer), "Idempotency-Key": "checkout-42"}
    first = asyncio.create_task(committed_client.post(PAYMENTS, json=body, headers=headers))
    await asyncio.wait_for(gate.entered.wait(), 10)
    retry = await committed_client.post(PAYMENTS, json=body, headers=headers)
    assert retry.status_code == 409
    assert_error(retry.json(), "idempotency_key_in_use")
    gate.release.set()
    original = await first
    assert original.status_code == 201
    replay = await committed_client.post(PAYMENTS, json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.json() == original.json()
    assert gate.calls == 1
    assert len(await payments(committed)) == 1


async def test_a_replay_waits_for_the_orders_lock_then_answers_the_same(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    """The key's stored answer is read once the order's lock is held: while another
    transaction holds the order, a replay waits, and answers as the first time after."""
    transaction, buyer = await setup(committed)
    body = {"transaction_id": str(transaction.id), "payment_method": "pm_card_visa"}
    headers = {**auth_headers(buyer), "Idempotency-Key": "checkout-locked"}
    original = await committed_client.post(PAYMENTS, json=body, headers=headers)
    assert original.status_code == 201
    async with committed() as holder:
        await holder.execute(
            select(Transaction.id).where(Transaction.id == transaction.id).with_for_update()
        )
        replay = asyncio.create_task(committed_client.post(PAYMENTS, json=body, headers=headers))
        done, _ = await asyncio.wait({replay}, timeout=0.5)
        assert not done  # waiting for the order's row
        await holder.commit()
    answered = await asyncio.wait_for(replay, 10)
    assert (answered.status_code, answered.json()) == (201, original.json())
    assert len(await payments(committed)) == 1


async def test_same_event_delivered_twice_at_once_is_applied_once(
    committed_client: AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    app: FastAPI,
) -> None:
    transaction, _ = await setup(committed)
    secret = "whsec_concurrency"
    original = app.state.settings.stripe_webhook_secret
    app.state.settings.stripe_webhook_secret = secret
    try:
        payload = json.dumps(
            {
                "id": "evt_concurrent_1",
                "type": "payment_intent.succeeded",
                "data": {
                    "object": {
                        "id": "pi_concurrent_1",
                        "amount": to_minor_units(transaction.total, "EUR"),
                        "amount_received": to_minor_units(transaction.total, "EUR"),
                        "currency": "eur",
                        "metadata": {"transaction_id": str(transaction.id)},
                    }
                },
            }
        )
        header = stripe.WebhookSignature.generate_signature_header(payload, secret)
        responses = await asyncio.gather(
            *(
                committed_client.post(
                    "/api/payments/webhook", content=payload, headers={"Stripe-Signature": header}
                )
                for _ in range(3)
            )
        )
    finally:
        app.state.settings.stripe_webhook_secret = original
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert sorted(r.json()["duplicate"] for r in responses) == [False, True, True]
    rows = await payments(committed)
    assert [(p.status, p.gateway_reference) for p in rows] == [("succeeded", "pi_concurrent_1")]
    async with committed() as session:
        stored = await session.get(Transaction, transaction.id)
        assert stored is not None
        assert [h["status"] for h in stored.status_history] == ["pending", "paid"]
