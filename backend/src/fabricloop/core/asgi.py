"""Answering at the ASGI level, below any framework response class."""

from starlette.types import Send


async def send_json(send: Send, status: int, body: bytes) -> None:
    """A complete JSON response: its start (type and length) and its one body message."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
