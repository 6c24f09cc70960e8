"""Receives one file from a multipart/form-data body without holding the body in memory:
the body is parsed as it streams in, the file part is spooled to a temporary file, and the
request is refused as soon as it is known to be too large."""

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from fabricloop.core.errors import AppError, BadRequest
from fabricloop.images.errors import ImageFileTooLarge, MissingFile

MAX_FILE_BYTES = 5 * 1024 * 1024
# Room for boundaries, part headers and small extra fields around the file.
ENVELOPE_BYTES = 64 * 1024
# Small files stay in memory; larger ones roll over to disk.
SPOOL_MEMORY_BYTES = 1024 * 1024


def upload_request_body(description: str) -> dict[str, Any]:
    """The OpenAPI request body of a route reading one file as the multipart field `file`
    (the route reads the stream itself, so FastAPI cannot describe it)."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": description}
                    },
                }
            }
        },
    }


@dataclass
class ReceivedFile:
    file: IO[bytes]
    size: int
    # What the client said; informative only: never used to name or judge the file.
    filename: str | None
    declared_type: str | None


@dataclass
class _Collector:
    """python-multipart callbacks that keep the first part named `name`."""

    name: bytes
    spool: IO[bytes]
    max_bytes: int
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_field: bytes = b""
    header_value: bytes = b""
    capturing: bool = False
    found: bool = False
    size: int = 0
    too_large: bool = False
    filename: str | None = None
    declared_type: str | None = None

    def on_part_begin(self) -> None:
        self.headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field = self.header_value = b""

    def on_headers_finished(self) -> None:
        disposition, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.capturing = (
            not self.found and disposition == b"form-data" and options.get(b"name") == self.name
        )
        if self.capturing:
            raw_name = options.get(b"filename")
            self.filename = raw_name.decode("utf-8", "replace") if raw_name else None
            declared = self.headers.get(b"content-type")
            self.declared_type = declared.decode("latin-1") if declared else None

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.capturing or self.too_large:
            return
        self.size += end - start
        if self.size > self.max_bytes:
            self.too_large = True
            return
        self.spool.write(data[start:end])

    def on_part_end(self) -> None:
        if self.capturing:
            self.found = True
            self.capturing = False


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@asynccontextmanager
async def receiving(
    request: Request,
    max_file_bytes: int,
    too_large: type[AppError],
    name: str = "file",
) -> AsyncIterator[ReceivedFile]:
    """The multipart field `name` of at most `max_file_bytes`, spooled (`too_large` raised
    as soon as it is known to be bigger); the spool is closed on leaving."""
    media_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        raise MissingFile()
    max_body_bytes = max_file_bytes + ENVELOPE_BYTES
    declared = _declared_length(request)
    if declared is not None and declared > max_body_bytes:
        raise too_large()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES) as spool:
        collector = _Collector(name.encode(), spool, max_file_bytes)
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": collector.on_part_begin,
                "on_header_field": collector.on_header_field,
                "on_header_value": collector.on_header_value,
                "on_header_end": collector.on_header_end,
                "on_headers_finished": collector.on_headers_finished,
                "on_part_data": collector.on_part_data,
                "on_part_end": collector.on_part_end,
            },
        )
        received = 0
        try:
            # Counted as it arrives: Content-Length may be absent (chunked) or lie.
            async for chunk in request.stream():
                received += len(chunk)
                if received > max_body_bytes:
                    raise too_large()
                parser.write(chunk)
                if collector.too_large:
                    raise too_large()
            parser.finalize()
        except MultipartParseError as error:
            raise BadRequest("The multipart/form-data body is malformed.") from error
        except ClientDisconnect as error:
            # Nobody is left to read the answer; a client error keeps it out of the error log.
            raise BadRequest("The upload was interrupted.") from error
        if not collector.found:
            raise MissingFile()
        spool.seek(0)
        yield ReceivedFile(
            file=spool,
            size=collector.size,
            filename=collector.filename,
            declared_type=collector.declared_type,
        )


async def receive_file(request: Request) -> AsyncIterator[ReceivedFile]:
    """Dependency: an image upload's field `file` (5 MB), spooled; closed afterwards."""
    async with receiving(request, MAX_FILE_BYTES, ImageFileTooLarge) as received:
        yield received
