"""Stripe's HTTP layer answered by recorded test-mode responses; the requests the SDK made
are kept so tests can check what would have been sent to Stripe."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import stripe

RESPONSES = Path(__file__).parent / "stripe_responses"


@dataclass(frozen=True)
class Recorded:
    fixture: str
    status: int = 200
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True)
class SentRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


class RecordedStripe(stripe.HTTPClient):
    name = "recorded"

    def __init__(self, *answers: Recorded) -> None:
        super().__init__()
        self.answers = list(answers)
        self.sent: list[SentRequest] = []

    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        raw = post_data.decode() if isinstance(post_data, bytes) else post_data or ""
        query = raw or urlsplit(url).query
        form = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        self.sent.append(SentRequest(method.upper(), urlsplit(url).path, dict(headers), form))
        answer = self.answers.pop(0)
        body = (RESPONSES / answer.fixture).read_bytes()
        request_id = f"req_recorded{len(self.sent)}"
        return body, answer.status, {"request-id": request_id, **(answer.headers or {})}

    def sleep_async(self, secs: float) -> "asyncio.Future[None]":  # noqa: ARG002
        return asyncio.ensure_future(asyncio.sleep(0))

    async def close_async(self) -> None:
        return None
