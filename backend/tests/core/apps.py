"""Fresh app instances built from modified settings, for tests of the platform itself."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from fabricloop.app import create_app
from fabricloop.config import Settings

DEFAULT_PEER = ("198.51.100.7", 40000)
# Nothing listens on port 1: an app built with these finds its database or Redis down.
DOWN_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:1/x"
DOWN_REDIS = "redis://127.0.0.1:1"


def client_for(app: FastAPI, peer: tuple[str, int] = DEFAULT_PEER) -> AsyncClient:
    transport = ASGITransport(app=app, client=peer)
    return AsyncClient(transport=transport, base_url="http://testserver")


@asynccontextmanager
async def running(
    settings: Settings,
    *,
    routes: Callable[[FastAPI], None] | None = None,
    **overrides: Any,
) -> AsyncIterator[tuple[FastAPI, AsyncClient]]:
    """An app built with create_app(settings + overrides), its lifespan running; `routes`
    adds test-only routes ahead of the SPA fallback."""
    app = create_app(settings.model_copy(update=overrides))
    if routes is not None:
        fallback = [r for r in app.router.routes if getattr(r, "path", "") == "/{path:path}"]
        for route in fallback:
            app.router.routes.remove(route)
        routes(app)
        app.router.routes.extend(fallback)
    async with app.router.lifespan_context(app), client_for(app) as http:
        yield app, http
