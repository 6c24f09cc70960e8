"""uvicorn with the coalescing protocol `fabricloop serve` selects: a real server on loopback,
read by raw sockets, and the kernel's own count of the TCP segments that carried data
(`tcpi_data_segs_in` of TCP_INFO): a response the app sends whole arrives in one, streamed
output and a last lone write are not held back, a close sends what is held, an abort drops
it. The same server with uvicorn's own httptools protocol is the reference that shows the
segment count is not one by chance."""

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
import uvloop

from fabricloop.core.httpwrites import CoalescingTransport
from tests.http_servers import data_segments_in

OURS = "fabricloop.core.httpwrites:CoalescingHttpToolsProtocol"
UVICORNS = "httptools"
SECOND_CHUNK_AFTER = 1.0


async def _app(scope: dict[str, Any], _receive: Any, send: Any) -> None:
    """`/whole`: a response sent whole (head, then the body); `/stream`: a chunked one, its
    second chunk a second after the first."""
    if scope["type"] != "http":
        return
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        await asyncio.sleep(SECOND_CHUNK_AFTER)
        await send({"type": "http.response.body", "body": b"second"})
        return
    body = b'{"ok": "\xc3\xa9t\xc3\xa9"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(params=[OURS, UVICORNS])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    """(the protocol, the port) of a uvicorn server on loopback running _app."""
    config = uvicorn.Config(
        _app, host="127.0.0.1", port=0, http=request.param, loop="uvloop", lifespan="off"
    )
    config.log_level = "warning"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield request.param, port
    finally:
        server.should_exit = True
        thread.join(10)


def _read_until(sock: socket.socket, end: bytes, seconds: float) -> bytes:
    sock.settimeout(seconds)
    received = b""
    while not received.endswith(end):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def test_a_whole_response_arrives_in_one_segment(served: tuple[str, int]) -> None:
    protocol, port = served
    segments = []
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for _ in range(5):  # keep-alive: each response of the connection, not only the first
            before = data_segments_in(sock)
            sock.sendall(b"GET /whole HTTP/1.1\r\nHost: test\r\n\r\n")
            response = _read_until(sock, b"}", 5)
            time.sleep(0.05)  # anything more the server sent would have arrived
            segments.append(data_segments_in(sock) - before)
            assert response.startswith(b"HTTP/1.1 200 OK\r\n")
            assert response.endswith(b'\r\n\r\n{"ok": "\xc3\xa9t\xc3\xa9"}')
    if protocol == OURS:
        assert segments == [1] * 5
    else:
        # Two writes: two segments, unless the kernel corked the second onto a first still
        # queued (tcp_autocorking, on a loaded machine); not for every response.
        assert 2 in segments


def test_streamed_output_is_not_held_for_the_next_write(served: tuple[str, int]) -> None:
    """The first chunk, with the head, arrives while the app waits to send the second."""
    _, port = served
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /stream HTTP/1.1\r\nHost: test\r\n\r\n")
        started = time.monotonic()
        first = _read_until(sock, b"first\r\n", SECOND_CHUNK_AFTER / 2)
        assert time.monotonic() - started < SECOND_CHUNK_AFTER / 2
        assert first.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"transfer-encoding: chunked" in first
        rest = _read_until(sock, b"0\r\n\r\n", 5)
    assert rest == b"6\r\nsecond\r\n0\r\n\r\n"


def test_closing_sends_what_is_held(served: tuple[str, int]) -> None:
    """A request uvicorn cannot parse: it writes its 400 (one write, held) and closes."""
    _, port = served
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"NOT HTTP \x00\r\n\r\n")
        answer = _read_until(sock, b"<never>", 5)  # to the end of the stream: it was closed
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert answer.endswith(b"Invalid HTTP request received.")


async def _wrapped_connection() -> tuple[CoalescingTransport, asyncio.Future[bytes]]:
    """A coalescing transport around a real loopback connection, and what its peer receives
    until the connection ends."""
    loop = asyncio.get_running_loop()
    received: asyncio.Future[bytes] = loop.create_future()

    async def peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = b""
        with contextlib.suppress(ConnectionError):
            data = await reader.read()
        received.set_result(data)
        writer.close()

    server = await asyncio.start_server(peer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
    return CoalescingTransport(transport, loop), received


async def _next_turn() -> None:
    """After the callbacks this turn of the loop scheduled have run."""
    await asyncio.sleep(0)
    await asyncio.sleep(0)


async def _joins_holds_and_flushes() -> None:
    transport, received = await _wrapped_connection()
    transport.write(b"head|")
    assert transport.get_write_buffer_size() == len(b"head|")  # held, so counted
    transport.writelines([b"bo", b"dy|"])  # joined with the held write, sent at once
    assert transport.get_write_buffer_size() == 0
    transport.write(b"last")  # nothing follows: sent at the end of this turn of the loop
    await _next_turn()
    transport.write(b"|closing")
    transport.close()
    assert await asyncio.wait_for(received, 5) == b"head|body|last|closing"

    transport, received = await _wrapped_connection()
    transport.write(b"before the end")
    transport.write_eof()
    assert await asyncio.wait_for(received, 5) == b"before the end"
    transport.close()

    transport, received = await _wrapped_connection()
    transport.write(b"sent")
    await _next_turn()
    transport.write(b"dropped")
    transport.abort()
    await _next_turn()  # the flush the held write scheduled finds the transport aborted
    # A write after the abort (the connection lost, the protocol not told yet) is dropped, as
    # by the transport itself, even when its flush runs after the transport is closed.
    transport.write(b"late")
    await asyncio.sleep(0.05)
    assert await asyncio.wait_for(received, 5) == b"sent"
    assert transport.is_closing()  # everything else is the wrapped transport's


def test_the_transport_joins_holds_flushes_and_drops() -> None:
    """On uvloop, as the server runs: its transport raises on a write after an abort or
    write_eof, in the loop's callback (reported to the loop's exception handler)."""
    errors: list[dict[str, Any]] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _, context: errors.append(context))
        await _joins_holds_and_flushes()

    uvloop.run(main())
    assert errors == []
