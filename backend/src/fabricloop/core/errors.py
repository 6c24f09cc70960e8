"""One error type for the services, and the handlers that give every error the one error
body (docs/architecture.md)."""

from typing import Any

import sqlalchemy.exc
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from fabricloop.core.context import request_id_var

log = structlog.get_logger(__name__)


class AppError(Exception):
    status: int = 500
    code: str = "internal_error"
    message: str = "Something went wrong."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: list[dict[str, str]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        commit_changes: bool = False,
    ) -> None:
        # commit_changes: the request's writes stand although it fails (e.g. a declined
        # payment is recorded, a reused refresh token revokes its family).
        self.commit_changes = commit_changes
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        self.extra = extra or {}
        self.headers = headers
        super().__init__(self.message)


class BadRequest(AppError):
    status, code, message = 400, "bad_request", "The request is malformed."


class InvalidQuery(BadRequest):
    code, message = "invalid_query", "A query parameter is invalid."


class Unauthorized(AppError):
    status, code, message = 401, "unauthorized", "Authentication is required."


class PaymentFailed(AppError):
    status, code, message = 402, "payment_failed", "The payment was declined."


class Forbidden(AppError):
    status, code, message = 403, "forbidden", "You may not change this resource."


class NotFound(AppError):
    status, code, message = 404, "not_found", "The resource does not exist."


class Conflict(AppError):
    status, code, message = 409, "conflict", "The request conflicts with the current state."


class PayloadTooLarge(AppError):
    status, code, message = 413, "payload_too_large", "The upload is too large."


class UnsupportedMediaType(AppError):
    status, code, message = 415, "unsupported_media_type", "This media type is not supported."


class Unprocessable(AppError):
    status, code, message = 422, "validation_error", "The request failed validation."


class RateLimited(AppError):
    status, code, message = 429, "rate_limited", "Too many requests; try again later."


class ServiceUnavailable(AppError):
    status, code, message = 503, "service_unavailable", "The service is temporarily unavailable."


def field_error(field: str, message: str) -> Unprocessable:
    return Unprocessable(details=[{"field": field, "message": message}])


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorInfo(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    message: str
    details: list[ErrorDetail] | None = None
    request_id: str | None = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorInfo


def error_body(
    code: str,
    message: str,
    details: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    error.update(extra or {})
    error["request_id"] = request_id_var.get()
    return {"error": error}


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details, extra), status, headers=headers)


def responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route that can raise these errors."""
    documented: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        entry = documented.setdefault(error.status, {"model": ErrorBody, "description": ""})
        codes = entry["description"]
        entry["description"] = f"{codes}, `{error.code}`" if codes else f"`{error.code}`"
    return documented


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc[1:]] if len(loc) > 1 else [str(p) for p in loc]
    return ".".join(parts) or str(loc[0])


def _readable(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "Unknown field."
    if error["type"] == "missing":
        return "This field is required."
    message: str = error["msg"]
    return message.removeprefix("Value error, ")


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.extra, exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    details = [{"field": _field_name(tuple(e["loc"])), "message": _readable(e)} for e in errors]
    where = {e["loc"][0] for e in errors if e["loc"]}
    if any(e["type"] == "json_invalid" for e in errors):
        return error_response(400, "bad_request", "The body is not valid JSON (UTF-8).")
    if where == {"path"}:
        return error_response(404, "not_found", NotFound.message)
    if "body" in where:
        return error_response(422, "validation_error", "The request failed validation.", details)
    if "query" in where:
        return error_response(400, "invalid_query", "A query parameter is invalid.", details)
    return error_response(400, "bad_request", "A request header is invalid.", details)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {
        401: "unauthorized",
        404: "not_found",
        405: "method_not_allowed",
        408: "request_timeout",
        413: "payload_too_large",
        415: "unsupported_media_type",
    }
    code = codes.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal_error")
    message = exc.detail if isinstance(exc.detail, str) else "Request failed."
    if exc.status_code == 404:
        message = NotFound.message
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


# The database is unreachable (refused, reset, timed out, pool exhausted):
# the 503 every operation documents.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    ConnectionError,
    TimeoutError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
)


async def _database_unavailable(_: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable", error=f"{type(exc).__name__}: {exc}"[:300])
    return error_response(
        503,
        ServiceUnavailable.code,
        ServiceUnavailable.message,
        headers={"Retry-After": "5"},
    )


# Text PostgreSQL cannot store (NUL, unpaired surrogates) that passed a schema which allows any
# string: the request's fault, so 422 for a body and 400 for a query, never a 500.
_UNSTORABLE_TEXT = {"CharacterNotInRepertoireError", "UntranslatableCharacterError"}


def _is_unstorable_text(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, UnicodeEncodeError) or type(seen).__name__ in _UNSTORABLE_TEXT:
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


# How asyncpg reports a connection that died under a statement (the server was killed or
# restarted): not a disconnect SQLAlchemy recognises, but the database is as unreachable.
_LOST_CONNECTION = {"InternalClientError", "ConnectionDoesNotExistError", "ConnectionResetError"}


def _is_lost_connection(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlalchemy.exc.DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, ConnectionError) or type(seen).__name__ in _LOST_CONNECTION:
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


async def _statement_error(request: Request, exc: Exception) -> JSONResponse:
    if _is_lost_connection(exc):
        return await _database_unavailable(request, exc)
    if not _is_unstorable_text(exc):
        raise exc
    message = "Text must not contain NUL characters or unpaired surrogates."
    if request.method in ("POST", "PUT", "PATCH"):
        return error_response(422, "validation_error", message)
    return error_response(400, "invalid_query", message)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(sqlalchemy.exc.StatementError, _statement_error)
    for error in DATABASE_UNAVAILABLE:
        app.add_exception_handler(error, _database_unavailable)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
