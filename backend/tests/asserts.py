"""The assertions every API test shares."""

from collections.abc import Mapping
from typing import Any


def assert_error(body: Mapping[str, Any], code: str) -> dict[str, Any]:
    """`body` is the one error body, with `code`, a request id and no traceback; returns the
    error object."""
    error = body["error"]
    assert isinstance(error, dict), body
    assert error["code"] == code, body
    assert error["request_id"]
    assert "Traceback" not in str(body)
    return error
