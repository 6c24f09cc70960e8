from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fabricloop.health import service
from fabricloop.health.schemas import Health

router = APIRouter(tags=["operations"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database is unreachable."}},
)
async def health(request: Request) -> JSONResponse:
    """Liveness and dependencies: 503 when the database is down, `degraded` otherwise."""
    state = request.app.state
    result = await service.check_all(
        state.engine, state.cache, getattr(state, "payment_gateway", None)
    )
    status = 503 if result.status == "unavailable" else 200
    return JSONResponse(
        result.model_dump(mode="json"),
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
