"""/api/openapi.json describes every route of the contract with the error statuses the
contract documents for it, and the choices the contract leaves open."""

from typing import Any

import pytest
from httpx import AsyncClient

ROUTES: list[tuple[str, str, set[str]]] = [
    ("get", "/health", {"200", "503"}),
    ("post", "/api/auth/register", {"201", "400", "409", "422"}),
    ("post", "/api/auth/login", {"200", "401", "422", "429"}),
    ("post", "/api/auth/refresh", {"200", "401"}),
    ("post", "/api/auth/logout", {"204", "401"}),
    ("get", "/api/auth/me", {"200", "401"}),
    ("get", "/api/auth/export", {"200", "401"}),
    ("delete", "/api/auth/delete", {"202", "401"}),
    ("post", "/api/images", {"201", "401", "413", "415", "422"}),
    ("post", "/api/materials", {"201", "401", "422"}),
    ("get", "/api/materials", {"200", "400"}),
    ("get", "/api/materials/types", {"200"}),
    ("get", "/api/materials/{material_id}", {"200", "404"}),
    ("put", "/api/materials/{material_id}", {"200", "401", "403", "404", "422"}),
    ("delete", "/api/materials/{material_id}", {"200", "401", "403", "404"}),
    ("post", "/api/transactions", {"201", "401", "404", "409", "422"}),
    ("get", "/api/transactions", {"200", "400", "401"}),
    ("get", "/api/transactions/{transaction_id}", {"200", "401", "404"}),
    (
        "post",
        "/api/transactions/{transaction_id}/status",
        {"200", "401", "403", "404", "409", "422"},
    ),
    ("post", "/api/payments", {"201", "202", "401", "402", "404", "409", "422"}),
    ("post", "/api/payments/webhook", {"200", "400"}),
    ("get", "/api/payments/{payment_id}", {"200", "401", "404"}),
    ("get", "/api/passports/{material_id}", {"200", "404"}),
    ("put", "/api/passports/{material_id}", {"200", "401", "403", "404", "422"}),
    ("post", "/api/passports/{material_id}/metrics", {"201", "401", "403", "404", "422"}),
    ("get", "/api/passports/{material_id}/qr.svg", {"200", "404"}),
    ("post", "/api/messages", {"201", "401", "404", "422"}),
    ("get", "/api/messages/conversations", {"200", "401"}),
    ("get", "/api/messages/unread-count", {"200", "401"}),
    ("get", "/api/messages/{user_id}", {"200", "401", "404"}),
    ("get", "/api/reports/sustainability", {"200", "400", "401"}),
    ("get", "/api/reports/export", {"200", "400", "401"}),
]


@pytest.fixture
async def schema(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def error_ref(response: dict[str, Any]) -> str:
    return str(response["content"]["application/json"]["schema"]["$ref"])


@pytest.mark.parametrize(("method", "path", "statuses"), ROUTES)
async def test_route_and_documented_errors(
    schema: dict[str, Any], method: str, path: str, statuses: set[str]
) -> None:
    operation = schema["paths"][path][method]
    documented = set(operation["responses"])
    assert statuses <= documented, statuses - documented
    for status in statuses - {"200", "201", "202", "204", "503"}:
        if path == "/health":
            continue
        # the contract's single error body; the code is named in the description.
        assert error_ref(operation["responses"][status]).endswith("/ErrorBody"), status
        assert "`" in operation["responses"][status]["description"], status


def test_error_body_shape(schema: dict[str, Any]) -> None:
    info = schema["components"]["schemas"]["ErrorInfo"]
    assert {"code", "message", "details", "request_id"} <= set(info["properties"])


async def test_payments_choices_described(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/payments"]["post"]
    names = {p["name"].lower() for p in operation.get("parameters", [])}
    assert "idempotency-key" in names
    pending = error_ref(operation["responses"]["202"]).rsplit("/", 1)[-1]
    assert "requires_action" in str(schema["components"]["schemas"][pending])
    assert "decline_code" in str(schema["components"]["schemas"]) or "decline_code" in str(
        operation
    )


async def test_file_responses_described(schema: dict[str, Any]) -> None:
    qr = schema["paths"]["/api/passports/{material_id}/qr.svg"]["get"]["responses"]["200"]
    assert "image/svg+xml" in qr["content"]
    export = schema["paths"]["/api/reports/export"]["get"]["responses"]["200"]
    assert {"text/csv", "application/pdf"} <= {t.split(";")[0] for t in export["content"]}


async def test_paging_parameters_described(schema: dict[str, Any]) -> None:
    history = schema["paths"]["/api/messages/{user_id}"]["get"]
    assert {"before", "limit"} <= {p["name"] for p in history["parameters"]}
    search = schema["paths"]["/api/materials"]["get"]
    assert {
        "q",
        "material_type",
        "source_type",
        "min_price",
        "max_price",
        "quantity",
        "currency",
        "origin_country",
        "certification",
        "seller_id",
        "sort",
        "page",
        "limit",
    } <= {p["name"] for p in search["parameters"]}


def test_validation_responses_as_answered(schema: dict[str, Any]) -> None:
    """A bad body is a 422 with the error body; a bad query or path never a 422 (a GET's
    422 is a rule of the domain, such as a quote to a country the seller doesn't serve)."""
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if "422" in responses:
                described = responses["422"]["description"]
                assert "requestBody" in operation or "validation_error" not in described, (
                    method,
                    path,
                )
                assert error_ref(responses["422"]).endswith("/ErrorBody")
            places = {p["in"] for p in operation.get("parameters", [])}
            if "query" in places:
                assert "400" in responses, (method, path)
            if "path" in places:
                assert "404" in responses, (method, path)


def test_rate_limit_and_unavailable_described(schema: dict[str, Any]) -> None:
    description = schema["info"]["description"]
    assert "429 `rate_limited`" in description
    assert "Retry-After" in description
    assert "503 `service_unavailable`" in description
