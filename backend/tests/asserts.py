"""The assertions every API test shares."""

from collections.abc import Mapping
from typing import Any

from httpx import Response


def assert_error(body: Mapping[str, Any], code: str) -> dict[str, Any]:
    """`body` is the one error body, with `code`, a request id and no traceback; returns the
    error object."""
    error = body["error"]
    assert isinstance(error, dict), body
    assert error["code"] == code, body
    assert error["request_id"]
    assert "Traceback" not in str(body)
    return error


def error_without_request_id(response: Response) -> dict[str, Any]:
    """The response's error object but its request id, to compare two answers."""
    error: dict[str, Any] = response.json()["error"]
    return {key: value for key, value in error.items() if key != "request_id"}


def redis_bytes(value: bytes | str | None) -> bytes:
    """A Redis answer as the tests' clients give it: bytes (they do not decode responses;
    redis-py types every answer as bytes or str)."""
    assert isinstance(value, bytes), value
    return value
