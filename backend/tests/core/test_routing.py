"""The order routes are matched in: the busiest routers first (fewer routes tried per request),
which must neither send a request to another router's route nor reorder the OpenAPI document."""

import re
import uuid

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIRouter
from starlette.routing import BaseRoute, Match

from fabricloop.app import HOT_ROUTERS, ROUTERS, create_app
from fabricloop.auth.deps import bearer, get_current_user
from fabricloop.config import Settings
from fabricloop.core.db import get_session
from fabricloop.core.deps import get_app_settings
from fabricloop.payments.router import router as payments_router

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


# The writes users make most often (docs/performance.md): each dependency FastAPI solves for a
# request costs it some 50,000 instructions, so these take the app's settings, cache and
# gateway off the request (core.deps.settings_of) rather than as dependencies.
HOT_WRITES = [
    ("POST", "/api/transactions"),
    ("POST", "/api/payments"),
    ("POST", "/api/messages"),
    ("POST", "/api/materials"),
    ("PUT", "/api/materials/{material_id}"),
]


def _dependency_calls(dependant: Dependant) -> list[object]:
    calls: list[object] = []
    for sub in dependant.dependencies:
        calls += [sub.call, *_dependency_calls(sub)]
    return calls


class TestHotWriteDependencies:
    def test_the_hot_writes_solve_only_the_user_and_the_session(self) -> None:
        routes = {
            (method, route.path): route
            for router in HOT_ROUTERS
            for route in router.routes
            if isinstance(route, APIRoute)
            for method in route.methods or ()
        }
        for key in HOT_WRITES:
            calls = _dependency_calls(routes[key].dependant)
            # The user (its session and its token), then the route's own session (FastAPI
            # solves it once and hands both the same one).
            assert calls == [get_current_user, get_session, bearer, get_session], key

    def test_a_route_that_takes_the_settings_solves_a_dependency_for_them(self) -> None:
        """The check above sees a dependency that reads the app's state, where one is left."""
        route = next(
            r
            for r in payments_router.routes
            if isinstance(r, APIRoute) and r.path == "/api/payments/config"
        )
        assert get_app_settings in _dependency_calls(route.dependant)
