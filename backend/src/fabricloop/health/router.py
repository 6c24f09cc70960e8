from fastapi import APIRouter
from fastapi.responses import JSONResponse

from fabricloop.core.deps import AppCache, AppEngine
from fabricloop.health import service
from fabricloop.health.schemas import Health
from fabricloop.payments.deps import AppGateway

router = APIRouter(tags=["operations"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database is unreachable."}},
)
async def health(engine: AppEngine, cache: AppCache, gateway: AppGateway) -> JSONResponse:
    """Liveness and dependencies: 503 when the database is down, `degraded` otherwise."""
    result = await service.check_all(engine, cache, gateway)
    status = 503 if result.status == "unavailable" else 200
    return JSONResponse(
        result.model_dump(mode="json"),
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
