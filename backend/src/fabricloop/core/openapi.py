"""The OpenAPI schema as the API really answers: FastAPI documents a 422 with its own
validation body on every route with parameters, but here a bad body is a 422 with the
error body, a bad query a 400 `invalid_query` and a bad path id a 404 `not_found`."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
FASTAPI_VALIDATION = "#/components/schemas/HTTPValidationError"


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": ERROR_BODY}


def _fix_operation(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.get("responses", {})
    default = responses.get("422")
    schema = (default or {}).get("content", {}).get("application/json", {}).get("schema", {})
    if schema.get("$ref") == FASTAPI_VALIDATION:
        if "requestBody" in operation:
            responses["422"] = _error("`validation_error`: the body fails validation.")
        else:
            del responses["422"]
    places = {parameter.get("in") for parameter in operation.get("parameters", [])}
    if "query" in places and "400" not in responses:
        responses["400"] = _error("`invalid_query`")
    if "path" in places and "404" not in responses:
        responses["404"] = _error("`not_found`")


def _still_used(schema: dict[str, Any], name: str) -> bool:
    paths = str(schema.get("paths", {}))
    components = {k: v for k, v in schema["components"]["schemas"].items() if k != name}
    return f"/{name}'" in paths or f"/{name}'" in str(components)


def describe_errors_as_answered(schema: dict[str, Any]) -> dict[str, Any]:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                _fix_operation(operation)
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        if name in components and not _still_used(schema, name):
            del components[name]
    return schema


def install_openapi(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_errors_as_answered(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
