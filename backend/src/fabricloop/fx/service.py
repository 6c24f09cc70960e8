"""Reference exchange rates: read from the European Central Bank's CSV files (the daily
`eurofxref.csv` and the history `eurofxref-hist.csv` share one format: a `Date` column, then
one column per currency in units per 1 EUR), stored per day, served and used to convert."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.fx import repository
from fabricloop.fx.errors import InvalidRatesFile
from fabricloop.fx.schemas import FxRateOut, FxRates

BASE = "EUR"
SOURCE = "European Central Bank euro foreign exchange reference rates (CSV format)"
# Shipped with the demo: a set in the ECB's daily format (see data/README.md).
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "eurofxref.csv"
RATE_PLACES = Decimal("0.000001")
MISSING = {"", "N/A"}
DATE_FORMATS = ("%d %B %Y", "%Y-%m-%d")


@dataclass(frozen=True)
class DayRates:
    day: date
    rates: dict[str, Decimal]


def _day(cell: str, line: int) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cell, pattern).date()
        except ValueError:
            continue
    raise InvalidRatesFile(f"Line {line}: {cell!r} is not a date such as '03 December 2026'.")


def _rate(cell: str, currency: str, line: int) -> Decimal:
    try:
        rate = Decimal(cell)
    except InvalidOperation:
        rate = Decimal(0)
    if not rate.is_finite() or rate <= 0 or rate >= Decimal("1e12"):
        raise InvalidRatesFile(f"Line {line}: the {currency} rate {cell!r} is not a rate.")
    return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def _currencies(header: list[str]) -> list[str]:
    if not header or header[0] != "Date":
        raise InvalidRatesFile("The first line must start with 'Date'.")
    codes = header[1:]
    for code in codes:
        if len(code) != 3 or not code.isascii() or not code.isupper() or not code.isalpha():
            raise InvalidRatesFile(f"{code!r} in the first line is not a currency code.")
    if len(set(codes)) != len(codes) or BASE in codes:
        raise InvalidRatesFile("Each currency other than EUR may have one column.")
    return codes


def parse_ecb_csv(text: str) -> list[DayRates]:
    """Every day of the file, as units per 1 EUR; a cell left empty or `N/A` is skipped."""
    if "\x00" in text:
        raise InvalidRatesFile("The file holds NUL characters.")
    rows = [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text), skipinitialspace=True)
        if any(cell.strip() for cell in row)
    ]
    if not rows:
        raise InvalidRatesFile("The file is empty.")
    # The ECB ends each line with a comma: a last, empty column.
    header = rows[0][:-1] if rows[0] and rows[0][-1] == "" else rows[0]
    codes = _currencies(header)
    days: dict[date, DayRates] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = row[: len(header)]
        if len(cells) != len(header) or any(c for c in row[len(header) :]):
            raise InvalidRatesFile(f"Line {line} has {len(row)} cells for {len(header)} columns.")
        day = _day(cells[0], line)
        if day in days:
            raise InvalidRatesFile(f"Line {line}: {day.isoformat()} appears twice.")
        rates = {
            code: _rate(cell, code, line)
            for code, cell in zip(codes, cells[1:], strict=True)
            if cell not in MISSING
        }
        days[day] = DayRates(day, rates)
    if not days:
        raise InvalidRatesFile("The file has no rates.")
    return sorted(days.values(), key=lambda d: d.day)


async def import_rates(session: AsyncSession, text: str) -> list[DayRates]:
    """Store every day of an ECB CSV file (a day imported again is replaced)."""
    days = parse_ecb_csv(text)
    for day in days:
        if day.rates:
            await repository.upsert(session, day.day, day.rates)
    return days


async def import_default(session: AsyncSession) -> list[DayRates]:
    return await import_rates(session, DEFAULT_FILE.read_text(encoding="utf-8"))


async def latest(session: AsyncSession) -> DayRates | None:
    """The newest day's rates, EUR included at 1; None before any import."""
    day, rates = await repository.latest(session)
    if day is None:
        return None
    return DayRates(day, {BASE: Decimal(1), **rates})


async def latest_rates(session: AsyncSession) -> FxRates:
    """The newest day's rates as `GET /api/fx-rates` answers (no day and no rates before any
    import)."""
    day = await latest(session)
    return FxRates(
        base="EUR",
        date=day.day if day else None,
        rates=[
            FxRateOut(currency=c, rate=r) for c, r in sorted((day.rates if day else {}).items())
        ],
        source=SOURCE,
    )


def convert(amount: Decimal, currency: str, to: str, rates: dict[str, Decimal]) -> Decimal | None:
    """`amount` in `currency` expressed in `to` through the EUR rates, to the cent; None when
    either currency has no rate."""
    if currency == to:
        return amount
    if currency not in rates or to not in rates:
        return None
    return (amount / rates[currency] * rates[to]).quantize(Decimal("0.01"), ROUND_HALF_UP)
