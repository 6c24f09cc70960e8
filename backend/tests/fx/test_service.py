"""Reading the ECB's CSV format, and converting through the EUR rates."""

from datetime import date
from decimal import Decimal

import pytest

from fabricloop.fx import service
from fabricloop.fx.errors import InvalidRatesFile
from tests.fx.helpers import DAILY, HISTORY


class TestParse:
    def test_the_daily_file(self) -> None:
        (day,) = service.parse_ecb_csv(DAILY)
        assert day.day == date(2026, 12, 3)
        assert day.rates == {
            "USD": Decimal("1.0531"),
            "JPY": Decimal("158.12"),
            "GBP": Decimal("0.8345"),
        }

    def test_the_history_file_skips_missing_rates(self) -> None:
        days = service.parse_ecb_csv(HISTORY)
        assert [d.day for d in days] == [date(2026, 12, 2), date(2026, 12, 3)]
        assert "CYP" not in days[0].rates
        assert days[1].rates["USD"] == Decimal("1.0531")

    def test_the_shipped_default_set(self) -> None:
        (day,) = service.parse_ecb_csv(service.DEFAULT_FILE.read_text(encoding="utf-8"))
        assert {"USD", "GBP", "CHF", "SEK", "PLN", "CNY", "INR"} <= set(day.rates)

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "Currency, USD,\n03 December 2026, 1.05,\n",
            "Date, usd,\n03 December 2026, 1.05,\n",
            "Date, USD, USD,\n03 December 2026, 1.05, 1.06,\n",
            "Date, EUR,\n03 December 2026, 1,\n",
            "Date, USD,\n03 Decembre 2026, 1.05,\n",
            "Date, USD,\n03 December 2026, -1.05,\n",
            "Date, USD,\n03 December 2026, 0,\n",
            "Date, USD,\n03 December 2026, abc,\n",
            "Date, USD,\n03 December 2026, NaN,\n",
            "Date, USD,\n03 December 2026, 1.05, 7,\n",
            "Date, USD, GBP,\n03 December 2026, 1.05\n",
            "Date, USD,\n03 December 2026, 1.05,\n03 December 2026, 1.06,\n",
            "Date, USD,\n",
            "Date, USD,\n03 December 2026, 1.0\x005,\n",
            "Date, US'; DROP TABLE fx_rates;--,\n03 December 2026, 1.05,\n",
        ],
    )
    def test_invalid(self, text: str) -> None:
        with pytest.raises(InvalidRatesFile):
            service.parse_ecb_csv(text)


class TestConvert:
    RATES = {"EUR": Decimal(1), "USD": Decimal("1.16"), "GBP": Decimal("0.875")}

    def test_through_the_euro(self) -> None:
        assert service.convert(Decimal("3.77"), "GBP", "EUR", self.RATES) == Decimal("4.31")
        assert service.convert(Decimal("10"), "EUR", "USD", self.RATES) == Decimal("11.60")
        assert service.convert(Decimal("3.77"), "GBP", "USD", self.RATES) == Decimal("5.00")
        assert service.convert(Decimal("3.77"), "GBP", "GBP", self.RATES) == Decimal("3.77")

    def test_unknown_currency(self) -> None:
        assert service.convert(Decimal("1"), "BDT", "EUR", self.RATES) is None
