"""Every SQL statement of the reference exchange rates."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.fx.models import FxRate


async def upsert(session: AsyncSession, rate_date: date, rates: dict[str, Decimal]) -> None:
    """Store one day's rates; importing the same day again replaces them."""
    statement = insert(FxRate).values(
        [{"rate_date": rate_date, "currency": c, "rate": r} for c, r in rates.items()]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[FxRate.rate_date, FxRate.currency],
            set_={"rate": statement.excluded.rate},
        )
    )


async def latest(session: AsyncSession) -> tuple[date | None, dict[str, Decimal]]:
    """The most recent day's rates."""
    newest = await session.scalar(select(func.max(FxRate.rate_date)))
    if newest is None:
        return None, {}
    rows = await session.execute(
        select(FxRate.currency, FxRate.rate)
        .where(FxRate.rate_date == newest)
        .order_by(FxRate.currency)
    )
    return newest, {str(currency): Decimal(rate) for currency, rate in rows.all()}
