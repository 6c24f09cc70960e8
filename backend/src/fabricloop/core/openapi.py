"""The OpenAPI schema as the API really answers: FastAPI documents a 422 with its own
validation body on every route with parameters, but here a bad body is a 422 with the
error body, a body that is not JSON a 400 `bad_request`, a bad query a 400 `invalid_query`
and a bad path id a 404 `not_found`. Also: `servers`, public operations marked
`security: []` (or the token as optional), and no validator internals in the schemas."""

import re
from collections.abc import Callable, Sequence
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
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content and "400" not in responses:
        responses["400"] = _error("`bad_request`: the body is not JSON (or not UTF-8).")
    _fix_security(operation)
    places = {parameter.get("in") for parameter in operation.get("parameters", [])}
    if "query" in places and "400" not in responses:
        responses["400"] = _error("`invalid_query`")
    if "path" in places and "404" not in responses:
        responses["404"] = _error("`not_found`")


# The bearer scheme of routes where a token is optional (auth.deps.OptionalUser): it becomes
# "no token, or this one" on the operation, and leaves the components.
OPTIONAL_BEARER = "OptionalBearer"
BEARER = "HTTPBearer"


def _fix_security(operation: dict[str, Any]) -> None:
    schemes = {name for item in operation.get("security", []) for name in item}
    if BEARER in schemes:
        operation["security"] = [{BEARER: []}]
    elif OPTIONAL_BEARER in schemes:
        operation["security"] = [{}, {BEARER: []}]
    else:
        operation["security"] = []


_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}


def _plain_decimals(node: Any) -> None:
    """Pydantic's `max_digits` and `decimal_places` are not JSON Schema; a Decimal the API
    takes as a JSON number only (a string is refused) is a number."""
    if isinstance(node, dict):
        if "max_digits" in node or "decimal_places" in node:
            node.pop("max_digits", None)
            node.pop("decimal_places", None)
            for pydantic_name, json_schema_name in _BOUNDS.items():
                if pydantic_name in node:
                    node[json_schema_name] = node.pop(pydantic_name)
            kinds = [option.get("type") for option in node.get("anyOf", [])]
            if kinds == ["number", "string"]:
                del node["anyOf"]
                node["type"] = "number"
        for value in node.values():
            _plain_decimals(value)
    elif isinstance(node, list):
        for value in node:
            _plain_decimals(value)


def _still_used(schema: dict[str, Any], name: str) -> bool:
    paths = str(schema.get("paths", {}))
    components = {k: v for k, v in schema["components"]["schemas"].items() if k != name}
    return f"/{name}'" in paths or f"/{name}'" in str(components)


def describe_errors_as_answered(schema: dict[str, Any]) -> dict[str, Any]:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                _fix_operation(operation)
    schema["servers"] = [{"url": "/", "description": "The server that serves this schema."}]
    schema.get("components", {}).get("securitySchemes", {}).pop(OPTIONAL_BEARER, None)
    _plain_decimals(schema.get("components", {}))
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        if name in components and not _still_used(schema, name):
            del components[name]
    return schema


# A route's parameter with its convertor ("{lot_code:path}"), as the document names it.
_CONVERTOR = re.compile(r"\{(\w+):\w+\}")


def install_openapi(app: FastAPI, path_order: Sequence[str] = ()) -> None:
    """`path_order`: the paths in the order the document lists them, whatever the order the
    routes are matched in (paths it leaves out follow, as generated)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = describe_errors_as_answered(generate())
            documented = (_CONVERTOR.sub(r"{\1}", path) for path in path_order)
            rank = {path: index for index, path in enumerate(dict.fromkeys(documented))}
            paths = schema.get("paths", {})
            schema["paths"] = dict(
                sorted(paths.items(), key=lambda item: rank.get(item[0], len(rank)))
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
