"""The order routes are matched in: the busiest routers first (fewer routes tried per request),
which must neither send a request to another router's route nor reorder the OpenAPI document."""

import re
import uuid

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter
from starlette.routing import BaseRoute, Match

from fabricloop.app import HOT_ROUTERS, ROUTERS, create_app
from fabricloop.config import Settings

PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def _first_match(app: FastAPI, method: str, path: str) -> tuple[BaseRoute, APIRoute | None]:
    """The top-level route a request reaches first, and the API route inside it."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "headers": [],
        "query_string": b"",
    }
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            inner = getattr(route, "_match", None)
            found = inner(scope)[2] if inner is not None else route
            return route, found if isinstance(found, APIRoute) else None
    raise AssertionError(f"nothing matches {method} {path}")


def _router_of(route: APIRoute) -> APIRouter:
    return next(r for r in ROUTERS if route in r.routes)


class TestMatchOrder:
    def test_the_busy_routers_are_matched_first(self, settings: Settings) -> None:
        app = create_app(settings)
        path = f"/api/materials/{uuid.uuid4()}"
        top, _ = _first_match(app, "GET", path)
        assert app.router.routes.index(top) < len(HOT_ROUTERS)

    def test_no_route_is_reached_through_another_routers_route(self, settings: Settings) -> None:
        """Each API route's own path (its parameters filled in) reaches that route, or one
        declared before it in its own router; never a route of another router matched
        earlier."""
        app = create_app(settings)
        checked = 0
        for router in ROUTERS:
            for route in router.routes:
                if not isinstance(route, APIRoute):
                    continue
                path = PARAMETER.sub(str(uuid.uuid4()), route.path)
                for method in route.methods or ():
                    _, reached = _first_match(app, method, path)
                    assert reached is not None, (method, path)
                    assert _router_of(reached) is router, (method, path, reached.path)
                    checked += 1
        assert checked > 100

    def test_the_document_lists_paths_in_the_routers_order(self, settings: Settings) -> None:
        documented = list(
            dict.fromkeys(
                PARAMETER.sub(r"{\1}", route.path)
                for router in ROUTERS
                for route in router.routes
                if isinstance(route, APIRoute) and route.include_in_schema
            )
        )
        paths = list(create_app(settings).openapi()["paths"])
        assert paths[: len(documented)] == documented
