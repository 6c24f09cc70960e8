"""The demo sellers' shipping profiles: each ships its home market cheaply, the EU and the UK
at road-freight rates, and the rest of the world by air."""

from decimal import Decimal

from fabricloop.shipping.pricing import Profile, Zone

EU = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]
EFTA = ["CH", "NO", "IS", "LI"]
UK = ["GB", "IM", "JE", "GG"]
NORTH_AMERICA = ["US", "CA", "MX"]
ASIA_PACIFIC = ["JP", "KR", "CN", "HK", "TW", "SG", "IN", "AU", "NZ", "TH", "VN", "ID", "MY"]


def _zone(
    name: str,
    countries: list[str],
    base: str,
    per_kg: str,
    free_over: str | None,
    days: tuple[int, int],
) -> Zone:
    return Zone(
        name=name,
        countries=tuple(countries),
        base_price=Decimal(base),
        price_per_kg=Decimal(per_kg),
        free_over=None if free_over is None else Decimal(free_over),
        transit_days_min=days[0],
        transit_days_max=days[1],
    )


def _without(countries: list[str], *home: str) -> list[str]:
    return [c for c in countries if c not in home]


PROFILES = {
    "mill@tessituraverde.demo": Profile(
        ships_from="IT",
        handling_days=3,
        incoterm="DAP",
        pickup_available=True,
        zones=(
            _zone("Italy", ["IT", "SM", "VA"], "12.00", "0.25", "800.00", (1, 3)),
            _zone("EU", _without(EU, "IT"), "28.00", "0.60", "2500.00", (3, 6)),
            _zone("UK and EFTA", UK + EFTA, "55.00", "1.10", None, (4, 8)),
            _zone("Rest of world", NORTH_AMERICA + ASIA_PACIFIC, "120.00", "2.80", None, (6, 12)),
        ),
    ),
    "sales@portoknit.demo": Profile(
        ships_from="PT",
        handling_days=2,
        incoterm="DAP",
        pickup_available=True,
        zones=(
            _zone("Iberia", ["PT", "ES", "AD"], "10.00", "0.20", "600.00", (1, 3)),
            _zone("EU", _without(EU, "PT", "ES"), "25.00", "0.55", "2000.00", (3, 6)),
            _zone("UK", UK, "45.00", "1.20", None, (4, 7)),
            _zone(
                "Rest of world",
                EFTA + NORTH_AMERICA + ASIA_PACIFIC,
                "110.00",
                "2.50",
                None,
                (7, 14),
            ),
        ),
    ),
    "hello@dhakadeadstock.demo": Profile(
        ships_from="BD",
        handling_days=5,
        incoterm="FCA",
        pickup_available=False,
        zones=(
            _zone("Europe", EU + UK + EFTA, "180.00", "1.90", None, (12, 25)),
            _zone("North America", NORTH_AMERICA, "200.00", "2.10", None, (14, 28)),
            _zone("Asia-Pacific", ASIA_PACIFIC, "60.00", "0.90", None, (5, 12)),
        ),
    ),
    "trade@yorkshirewool.demo": Profile(
        ships_from="GB",
        handling_days=2,
        incoterm="DDP",
        pickup_available=True,
        zones=(
            _zone("UK", UK, "9.50", "0.30", "500.00", (1, 2)),
            _zone("EU", EU, "35.00", "0.90", "3000.00", (3, 7)),
            _zone(
                "Rest of world", EFTA + NORTH_AMERICA + ASIA_PACIFIC, "95.00", "2.40", None, (6, 12)
            ),
        ),
    ),
}
