"""The report's date range: inclusive UTC dates, by default the last 12 months."""

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta

from fabricloop.reports.errors import InvalidDateRange

ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DEFAULT_MONTHS = 12
MAX_YEARS = 5


def minus_months(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (29 Feb -> 28 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _parse(name: str, raw: str) -> date:
    if not ISO_DATE.match(raw):
        raise InvalidDateRange(details=[{"field": name, "message": "Must be a YYYY-MM-DD date."}])
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidDateRange(
            details=[{"field": name, "message": "Not a calendar date."}]
        ) from None


def parse_range(start_raw: str | None, end_raw: str | None, today: date) -> tuple[date, date]:
    """Dates as given, else end = today (UTC) and start = 12 months before end. The span is
    capped at 5 years so a report stays one bounded query."""
    end = _parse("end_date", end_raw) if end_raw is not None else today
    start = (
        _parse("start_date", start_raw)
        if start_raw is not None
        else minus_months(end, DEFAULT_MONTHS)
    )
    if start > end:
        raise InvalidDateRange(
            details=[{"field": "start_date", "message": "Must not be after end_date."}]
        )
    if start < minus_months(end, MAX_YEARS * 12):
        raise InvalidDateRange(
            details=[
                {"field": "start_date", "message": f"The range is limited to {MAX_YEARS} years."}
            ]
        )
    if end == date.max:
        raise InvalidDateRange(details=[{"field": "end_date", "message": "Out of range."}])
    return start, end


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00 UTC, the day after end 00:00 UTC): inclusive dates as a half-open range."""
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def months(start: date, end: date) -> list[str]:
    keys = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys
