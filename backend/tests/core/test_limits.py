"""Request limits in the app: body size, header size, body read timeout (core.limits)."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from fabricloop.config import Settings
from tests.asserts import assert_error
from tests.core.apps import client_for, running

CAP = 64 * 1024
CHUNK = 8 * 1024


@pytest.fixture
async def limited(settings: Settings, migrated: str) -> AsyncIterator[FastAPI]:  # noqa: ARG001
    async with running(
        settings, max_body_bytes=CAP, max_header_bytes=4096, body_read_timeout_seconds=0.2
    ) as (app, _):
        yield app


class Counted:
    """A request body sent in chunks, counting how many the server asked for."""

    def __init__(self, chunks: int, *, stall_after: int | None = None) -> None:
        self.chunks = chunks
        self.stall_after = stall_after
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            if self.sent == self.stall_after:
                await asyncio.Event().wait()  # the client stops sending, forever
            self.sent += 1
            yield b" " * CHUNK


class TestBodyLimit:
    async def test_declared_too_large_is_refused_unread(self, limited: FastAPI) -> None:
        body = Counted(2 * CAP // CHUNK)
        async with client_for(limited) as http:
            response = await http.post(
                "/api/auth/login",
                content=body,
                headers={"Content-Type": "application/json", "Content-Length": str(2 * CAP)},
            )
        assert response.status_code == 413
        assert_error(response.json(), "payload_too_large")
        assert body.sent == 0

    async def test_undeclared_too_large_stops_at_the_cap(self, limited: FastAPI) -> None:
        body = Counted(100 * CAP // CHUNK)  # 6.4 MB, chunked
        async with client_for(limited) as http:
            response = await http.post(
                "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
            )
        assert response.status_code == 413
        assert_error(response.json(), "payload_too_large")
        assert body.sent <= CAP // CHUNK + 1

    async def test_under_the_cap_is_read(self, limited: FastAPI) -> None:
        padding = " " * (CAP - 100)
        async with client_for(limited) as http:
            response = await http.post(
                "/api/auth/login",
                content=f'{{"email": "a@example.com",{padding}"password": "Wrong1234"}}',
                headers={"Content-Type": "application/json"},
            )
        assert response.status_code == 401

    async def test_multipart_is_left_to_the_upload_limit(self, limited: FastAPI) -> None:
        async with client_for(limited) as http:
            response = await http.post(
                "/api/images",
                files={"file": ("big.png", b"\0" * (2 * CAP), "image/png")},
            )
        # Refused for want of a token, not for its size.
        assert response.status_code == 401


class TestHeaderLimit:
    async def test_oversized_headers(self, limited: FastAPI) -> None:
        async with client_for(limited) as http:
            response = await http.get("/api/materials/types", headers={"X-Big": "a" * 5000})
            fine = await http.get("/api/materials/types", headers={"X-Small": "a" * 1000})
        assert response.status_code == 431
        assert_error(response.json(), "headers_too_large")
        assert fine.status_code == 200


class TestBodyTimeout:
    async def test_a_body_that_stops_arriving(self, limited: FastAPI) -> None:
        body = Counted(4, stall_after=1)
        async with client_for(limited) as http:
            response = await asyncio.wait_for(
                http.post(
                    "/api/auth/login",
                    content=body,
                    headers={"Content-Type": "application/json", "Content-Length": str(4 * CHUNK)},
                ),
                timeout=10,
            )
        assert response.status_code == 408
        assert_error(response.json(), "request_timeout")
