"""Signed Stripe webhook deliveries."""

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import stripe
from fastapi import FastAPI
from httpx import AsyncClient, Response

from fabricloop.transactions.models import Transaction

WEBHOOK = "/api/payments/webhook"


SECRET = "whsec_test_" + "s" * 32


def intent(
    transaction: Transaction, reference: str, *, amount: int = 3705, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": reference,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount,
        "currency": "eur",
        "status": "succeeded",
        "payment_method": "pm_1QaBcD2eZvKYlo2C",
        "metadata": {"transaction_id": str(transaction.id)},
    }
    body.update(extra)
    return body


def event(kind: str, obj: dict[str, Any], event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": False,
            "type": kind,
            "data": {"object": obj},
        }
    ).encode()


async def deliver(
    client: AsyncClient, payload: bytes, *, secret: str = SECRET, timestamp: int | None = None
) -> Response:
    header = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, timestamp=timestamp
    )
    return await client.post(
        WEBHOOK,
        content=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


G = TypeVar("G")  # a gateway, or a test's stand-in for one


@contextmanager
def gateway_swapped(app: FastAPI, gateway: G) -> Iterator[G]:
    """`gateway` takes the app's payments until the block ends. (Not monkeypatch: its undo
    loses what Starlette's State holds.)"""
    original = app.state.payment_gateway
    app.state.payment_gateway = gateway
    try:
        yield gateway
    finally:
        app.state.payment_gateway = original
