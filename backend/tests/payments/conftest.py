"""The webhook secret the payments tests sign with."""

import pytest
from fastapi import FastAPI

from tests.payments.helpers import SECRET


@pytest.fixture
def webhook_secret(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(app.state.settings, "stripe_webhook_secret", SECRET)
    return SECRET
