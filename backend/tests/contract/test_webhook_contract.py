"""The contract: the webhook verifies Stripe-Signature (400 otherwise) and answers 200 to each
event, a duplicate too."""

import hashlib
import hmac
import json
import time

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.contract.helpers import assert_error_response

SECRET = "whsec_contract_" + "c" * 32


def signed(payload: bytes, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    timestamp = at if at is not None else int(time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return {
        "Stripe-Signature": f"t={timestamp},v1={mac.hexdigest()}",
        "Content-Type": "application/json",
    }


@pytest.fixture
def webhook_secret(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(app.state.settings, "stripe_webhook_secret", SECRET)
    return SECRET


def event() -> bytes:
    return json.dumps(
        {
            "id": f"evt_contract_{time.monotonic_ns()}",
            "object": "event",
            "type": "customer.created",
            "created": int(time.time()),
            "data": {"object": {"id": "cus_1", "object": "customer"}},
        }
    ).encode()


@pytest.mark.usefixtures("webhook_secret")
async def test_signed_event_200_and_duplicate_200(client: AsyncClient) -> None:
    payload = event()
    first = await client.post("/api/payments/webhook", content=payload, headers=signed(payload))
    assert first.status_code == 200, first.text
    again = await client.post("/api/payments/webhook", content=payload, headers=signed(payload))
    assert again.status_code == 200


@pytest.mark.usefixtures("webhook_secret")
@pytest.mark.parametrize("kind", ["wrong_secret", "stale", "tampered", "missing"])
async def test_bad_signature_400(client: AsyncClient, kind: str) -> None:
    payload = event()
    headers = {
        "wrong_secret": signed(payload, "whsec_other_" + "o" * 32),
        "stale": signed(payload, at=int(time.time()) - 3600),
        "tampered": signed(payload + b" "),
        "missing": {"Content-Type": "application/json"},
    }[kind]
    response = await client.post("/api/payments/webhook", content=payload, headers=headers)
    assert_error_response(response, 400, "bad_request")
