"""Answering at the ASGI level, below any framework response class."""

from collections.abc import Iterable

from starlette.types import Send

RawHeaders = list[tuple[bytes, bytes]]


def with_headers(
    headers: Iterable[tuple[bytes, bytes]],
    defaults: RawHeaders,
    replace: tuple[bytes, bytes] | None = None,
) -> RawHeaders:
    """A response's raw headers with each of `defaults` (lower-case names) added unless the
    response has one of that name, and `replace` set (any of its name removed first)."""
    result = [(n, v) for n, v in headers if replace is None or n.lower() != replace[0]]
    present = {name.lower() for name, _ in result}
    result.extend(header for header in defaults if header[0] not in present)
    if replace is not None:
        result.append(replace)
    return result


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
