"""Real servers for tests that need a socket: a free port, the app behind uvicorn."""

import asyncio
import socket
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

# struct tcp_info (linux/tcp.h): the offset of tcpi_data_segs_in.
_DATA_SEGS_IN = 152


def data_segments_in(sock: socket.socket) -> int:
    """The TCP segments holding data that `sock` has received so far, by the kernel's count
    (TCP_INFO): how many pieces the peer's writes arrived in."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    return int(struct.unpack_from("I", info, _DATA_SEGS_IN)[0])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """`app` (its lifespan already run) served by uvicorn in this event loop; yields its URL.
    httpx's ASGI transport buffers whole responses, so streams need this."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn has no event for it
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
