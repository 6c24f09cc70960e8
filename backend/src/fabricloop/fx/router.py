from fastapi import APIRouter

from fabricloop.core.db import DbSession
from fabricloop.fx import service
from fabricloop.fx.schemas import FxRates

router = APIRouter(prefix="/api/fx-rates", tags=["fx"])


@router.get(
    "",
    description="The newest day's reference rates in units per 1 EUR, as loaded by "
    "`fabricloop fx-import FILE` (the ECB's daily CSV format); the demo ships a default set. "
    "Before any import: `date` null and no rates.",
)
async def get_fx_rates(session: DbSession) -> FxRates:
    """Reference exchange rates (per 1 EUR)."""
    return await service.latest_rates(session)
