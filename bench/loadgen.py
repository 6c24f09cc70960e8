"""A load generator light enough to share two cores with the server it measures: keep-alive
HTTP/1.1 connections on asyncio (uvloop), one request at a time each, responses parsed by
httptools (uvicorn's parser). httpx cost 3-5 ms of CPU per request on this machine, more than
the app's own work in some runs, so the figures measured the client as much as the server
(docs/decisions/bench-load-client.md). The app always answers with a Content-Length."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httptools
import uvloop


class Failed(Exception):
    """The connection broke (closed, reset) before a whole response arrived."""


@dataclass
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One keep-alive connection; `request` may not be called again before it returns."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self._body: list[bytes] = []
        self._done = False
        self._parser = httptools.HttpResponseParser(self)

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._done = True

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self._parser = httptools.HttpResponseParser(self)
        assert self.reader is not None
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        self._body, self._done = [], False
        try:
            while not self._done:
                chunk = await self.reader.read(65536)
                if not chunk:
                    raise Failed("connection closed")
                self._parser.feed_data(chunk)
        except (OSError, httptools.HttpParserError, Failed) as error:
            await self.close()
            raise Failed(str(error)) from error
        return Response(self._parser.get_status_code(), b"".join(self._body))

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


@dataclass
class Tally:
    """Latencies (ms) and statuses per kind of request; status 0 is a broken connection."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)

    async def send(
        self,
        kind: str,
        connection: Connection,
        method: str,
        path: str,
        headers: dict[str, str],
        body: Any = None,
    ) -> Response:
        started = time.perf_counter()
        try:
            response = await connection.request(method, path, headers, body)
        except Failed:
            response = Response(0, b"")
        self.latencies.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        counts = self.statuses.setdefault(kind, {})
        counts[response.status] = counts.get(response.status, 0) + 1
        return response


# One client: its index, its connection, the tally; returns False to stop early.
Client = Callable[[int, Connection, Tally], Awaitable[bool]]


async def closed_loop(
    base: str, clients: int, duration: float | None, step: Client
) -> tuple[Tally, float]:
    """`clients` connections, each calling `step` again as soon as it returns, until the
    duration ends (without one: until a step returns False). Returns the tally and the
    elapsed seconds."""
    url = urlsplit(base)
    assert url.hostname is not None
    assert url.port is not None
    tally = Tally()
    stop = asyncio.Event()
    deadline = time.perf_counter() + (duration if duration is not None else 600)

    async def run(index: int) -> None:
        connection = Connection(url.hostname or "", url.port or 80)
        try:
            while not stop.is_set() and time.perf_counter() < deadline:
                if not await step(index, connection, tally):
                    stop.set()
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(run(i) for i in range(clients)))
    return tally, time.perf_counter() - started


def run(coroutine: Awaitable[Any]) -> Any:
    """Run on uvloop, as the server does: the client's own overhead stays small."""
    return uvloop.run(coroutine)  # type: ignore[arg-type]


def statuses_text(statuses: dict[int, int] | dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=lambda i: str(i[0])))


def summary(
    values: Sequence[float], percentile: Callable[[list[float], float], float]
) -> dict[str, float]:
    ordered = list(values)
    return {f"p{int(q * 100)}_ms": percentile(ordered, q) for q in (0.5, 0.9, 0.99)}
