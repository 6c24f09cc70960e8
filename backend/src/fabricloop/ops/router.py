"""GET /metrics for Prometheus. Outside /api (not rate limited) and left out of the OpenAPI
schema: it is for the operator's scraper, not for API clients (docs/operations.md)."""

import secrets

from fastapi import APIRouter, Request, Response

from fabricloop.config import Settings
from fabricloop.core import metrics
from fabricloop.core.deps import AppCache, AppEngine, AppSettings
from fabricloop.core.errors import error_response

router = APIRouter(tags=["operations"], include_in_schema=False)


def _authorised(request: Request, settings: Settings) -> bool:
    if not settings.metrics_token:
        return True
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(
        token.strip().encode(), settings.metrics_token.encode()
    )


@router.get("/metrics")
async def get_metrics(
    request: Request, settings: AppSettings, engine: AppEngine, cache: AppCache
) -> Response:
    """Prometheus text format; a bearer token is required when METRICS_TOKEN is set."""
    if not _authorised(request, settings):
        return error_response(
            401,
            "unauthorized",
            "A valid metrics token is required.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    await metrics.refresh_scrape_gauges(engine, cache)
    return Response(
        metrics.generate_latest(),
        media_type=metrics.CONTENT_TYPE,
        headers={"Cache-Control": "no-store"},
    )
