import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest

from fabricloop.reports import pdf_export
from fabricloop.reports.csv_export import neutralise, write_csv
from fabricloop.reports.dates import minus_months, months, parse_range, utc_bounds
from fabricloop.reports.errors import InvalidDateRange
from fabricloop.reports.pdf_export import number
from fabricloop.reports.service import compute_report

TODAY = date(2026, 11, 25)


class TestDates:
    @pytest.mark.parametrize(
        ("day", "count", "expected"),
        [
            (date(2026, 11, 25), 12, date(2025, 11, 25)),
            (date(2024, 2, 29), 12, date(2023, 2, 28)),
            (date(2026, 3, 31), 1, date(2026, 2, 28)),
            (date(2026, 1, 15), 1, date(2025, 12, 15)),
            (date(2026, 1, 15), 60, date(2021, 1, 15)),
        ],
    )
    def test_minus_months(self, day: date, count: int, expected: date) -> None:
        assert minus_months(day, count) == expected

    def test_defaults(self) -> None:
        assert parse_range(None, None, TODAY) == (date(2025, 11, 25), TODAY)
        assert parse_range(None, "2026-02-15", TODAY) == (date(2025, 2, 15), date(2026, 2, 15))
        assert parse_range("2026-01-01", None, TODAY) == (date(2026, 1, 1), TODAY)

    def test_future_start_without_end_is_reversed(self) -> None:
        with pytest.raises(InvalidDateRange):
            parse_range("2027-01-01", None, TODAY)

    def test_span_limit(self) -> None:
        assert parse_range("2021-11-25", "2026-11-25", TODAY)[0] == date(2021, 11, 25)
        with pytest.raises(InvalidDateRange) as error:
            parse_range("2021-11-24", "2026-11-25", TODAY)
        assert error.value.details == [
            {"field": "start_date", "message": "The range is limited to 5 years."}
        ]

    def test_bounds_are_half_open_utc(self) -> None:
        lower, upper = utc_bounds(date(2026, 1, 1), date(2026, 1, 31))
        assert lower == datetime(2026, 1, 1, tzinfo=UTC)
        assert upper == datetime(2026, 2, 1, tzinfo=UTC)

    def test_months(self) -> None:
        assert months(date(2025, 12, 31), date(2026, 1, 1)) == ["2025-12", "2026-01"]
        assert months(date(2026, 1, 1), date(2026, 1, 31)) == ["2026-01"]


class TestCsv:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("=cmd", "'=cmd"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@a", "'@a"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            (" =x", " =x"),
            ("", ""),
            (None, ""),
            (5, "5"),
            (Decimal("1.500"), "1.500"),
            (Decimal("0E-3"), "0.000"),
        ],
    )
    def test_neutralise(self, value: object, expected: str) -> None:
        assert neutralise(value) == expected  # type: ignore[arg-type]

    def test_rfc4180(self) -> None:
        content = write_csv([("a", 'b "quoted"', "c,d"), ("line\nbreak",), ()])
        text = content.decode("utf-8")
        assert text == '\ufeffa,"b ""quoted""","c,d"\r\n"line\nbreak",,\r\n,,\r\n'
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
        assert rows == [["a", 'b "quoted"', "c,d"], ["line\nbreak", "", ""], ["", "", ""]]


class TestPdfNumbers:
    def test_number(self) -> None:
        assert number(Decimal("37842.61")) == "37,842.61"
        assert number(Decimal("0.000")) == "0.000"
        assert number(1234) == "1,234"
        assert number(None) == "-"


class TestPdfWithoutUnicodeFont:
    def test_core_font_fallback_survives_unicode(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(pdf_export, "FONT_DIRS", ())
        data = compute_report(date(2026, 1, 1), date(2026, 2, 28), [])
        data.company_name = "Zoë 東京 Mills"
        content = pdf_export.report_pdf(data)
        text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert "Zoë ?? Mills" in text
        assert "2026-02" in text
