from fastapi import APIRouter

from fabricloop.core.db import DbSession
from fabricloop.fx import service
from fabricloop.fx.schemas import FxRateOut, FxRates

router = APIRouter(prefix="/api/fx-rates", tags=["fx"])


@router.get(
    "",
    description="The newest day's reference rates in units per 1 EUR, as loaded by "
    "`fabricloop fx-import FILE` (the ECB's daily CSV format); the demo ships a default set. "
    "Before any import: `date` null and no rates.",
)
async def get_fx_rates(session: DbSession) -> FxRates:
    """Reference exchange rates (per 1 EUR)."""
    day = await service.latest(session)
    return FxRates(
        base="EUR",
        date=day.day if day else None,
        rates=[
            FxRateOut(currency=c, rate=r) for c, r in sorted((day.rates if day else {}).items())
        ],
        source=service.SOURCE,
    )
