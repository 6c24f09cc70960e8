"""Shipping arithmetic against hand calculations, and a property over every input."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabricloop.materials.terms import order_total, quantity_in_kg
from fabricloop.shipping.errors import NotShippedToCountry, PickupUnavailable
from fabricloop.shipping.pricing import Profile, Zone, charge, zone_price
from fabricloop.shipping.tracking import tracking_url

EU = Zone(
    name="EU",
    countries=("DE", "FR"),
    base_price=Decimal("25.00"),
    price_per_kg=Decimal("0.80"),
    free_over=Decimal("2000.00"),
    transit_days_min=2,
    transit_days_max=5,
)
UK = Zone("UK", ("GB",), Decimal("45.00"), Decimal("1.50"), None, 3, 7)
PORTO = Profile("PT", 2, "DAP", pickup_available=True, zones=(EU, UK))


class TestHandCalculations:
    def test_base_plus_per_kg(self) -> None:
        # 400 m of denim at 0.45 kg/m = 180 kg; 25 + 0.80 x 180 = 169.00.
        weight = quantity_in_kg(Decimal("400"), "m", Decimal("0.45"))
        assert weight == Decimal("180.0000")
        goods = order_total(Decimal("4.20"), Decimal("400"))
        assert goods == Decimal("1680.00")
        result = charge(PORTO, "DE", weight, goods)
        assert result.price == Decimal("169.00")
        assert (result.method, result.incoterm, result.zone) == ("zone", "DAP", "EU")
        # handling 2 + transit 2-5
        assert (result.days_min, result.days_max) == (4, 7)
        assert goods + result.price == Decimal("1849.00")

    def test_other_zone(self) -> None:
        # 45 + 1.50 x 180 = 315.00; the UK zone has no free threshold.
        result = charge(PORTO, "GB", Decimal("180"), Decimal("99999"))
        assert result.price == Decimal("315.00")
        assert (result.days_min, result.days_max) == (5, 9)

    def test_free_from_the_threshold(self) -> None:
        assert charge(PORTO, "FR", Decimal("180"), Decimal("1999.99")).price == Decimal("169.00")
        assert charge(PORTO, "FR", Decimal("180"), Decimal("2000.00")).price == Decimal("0.00")
        assert charge(PORTO, "FR", Decimal("225"), Decimal("2100.00")).price == Decimal("0.00")

    def test_rounds_half_up_once(self) -> None:
        tiny = Zone("X", ("DE",), Decimal("0"), Decimal("0.05"), None, 0, 0)
        # 0.05 x 0.1 = 0.005 -> 0.01 (half-up; banker's rounding would give 0.00)
        assert zone_price(tiny, Decimal("0.1"), Decimal("1")) == Decimal("0.01")
        # 0.33 x 1.0155 = 0.335115 -> 0.34; 10 + that = 10.34
        odd = Zone("Y", ("DE",), Decimal("10"), Decimal("0.33"), None, 0, 0)
        assert zone_price(odd, Decimal("1.0155"), Decimal("1")) == Decimal("10.34")

    def test_pickup(self) -> None:
        result = charge(PORTO, None, Decimal("180"), Decimal("10"), pickup=True)
        assert result.price == Decimal("0.00")
        assert (result.method, result.incoterm) == ("pickup", "EXW")
        assert (result.days_min, result.days_max) == (2, 2)

    def test_no_profile(self) -> None:
        result = charge(None, "JP", Decimal("180"), Decimal("10"))
        assert (result.price, result.method, result.incoterm) == (
            Decimal("0.00"),
            "arranged_by_seller",
            None,
        )
        assert result.days_min is None
        with pytest.raises(PickupUnavailable):
            charge(None, None, Decimal("1"), Decimal("1"), pickup=True)

    def test_outside_every_zone(self) -> None:
        with pytest.raises(NotShippedToCountry) as refused:
            charge(PORTO, "JP", Decimal("1"), Decimal("1"))
        assert refused.value.code == "not_shipped_to_country"
        assert refused.value.extra == {"pickup_available": True}

    def test_pickup_not_offered(self) -> None:
        no_pickup = Profile("PT", 2, "DAP", pickup_available=False, zones=(EU,))
        with pytest.raises(PickupUnavailable):
            charge(no_pickup, "DE", Decimal("1"), Decimal("1"), pickup=True)


MONEY = st.decimals(min_value=0, max_value=100_000, places=2)
DAYS = st.integers(min_value=0, max_value=365)


@st.composite
def zones(draw: st.DrawFn) -> Zone:
    low = draw(DAYS)
    return Zone(
        name="Z",
        countries=("DE",),
        base_price=draw(MONEY),
        price_per_kg=draw(MONEY),
        free_over=draw(st.none() | MONEY),
        transit_days_min=low,
        transit_days_max=draw(st.integers(min_value=low, max_value=365)),
    )


class TestProperties:
    @given(
        zone=zones(),
        handling=st.integers(min_value=0, max_value=60),
        price=st.decimals(min_value=0, max_value=10_000, places=2),
        quantity=st.decimals(min_value=Decimal("0.001"), max_value=100_000, places=3),
        kg_per_unit=st.decimals(min_value=Decimal("0.0001"), max_value=100, places=4),
    )
    def test_total_is_goods_plus_shipping(
        self,
        zone: Zone,
        handling: int,
        price: Decimal,
        quantity: Decimal,
        kg_per_unit: Decimal,
    ) -> None:
        profile = Profile("PT", handling, "DDP", pickup_available=False, zones=(zone,))
        goods = order_total(price, quantity)
        weight = quantity_in_kg(quantity, "m", kg_per_unit)
        result = charge(profile, "DE", weight, goods)
        # The hand formula, in full: free from the threshold, else base + per kg, half-up.
        if zone.free_over is not None and goods >= zone.free_over:
            expected = Decimal("0")
        else:
            expected = (zone.base_price + zone.price_per_kg * weight).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
        assert result.price == expected
        assert result.price >= 0
        assert result.price.as_tuple().exponent == -2
        total = goods + result.price
        assert total - result.price == goods  # exact: nothing lost to rounding
        assert total.as_tuple().exponent == -2
        assert result.days_min == handling + zone.transit_days_min
        assert result.days_max == handling + zone.transit_days_max


class TestTrackingUrl:
    def test_known_carriers(self) -> None:
        assert tracking_url("ups", "1Z999AA10123456784") == (
            "https://www.ups.com/track?tracknum=1Z999AA10123456784"
        )
        assert (tracking_url("dhl", "JD0146000012345") or "").startswith("https://www.dhl.com/")
        for carrier in ("fedex", "dpd", "gls", "tnt", "postnl"):
            url = tracking_url(carrier, "ABC123")
            assert url is not None
            assert url.startswith("https://")
            assert "ABC123" in url

    def test_number_is_escaped(self) -> None:
        url = tracking_url("ups", "1Z 9&x=<script>")
        assert url == "https://www.ups.com/track?tracknum=1Z%209%26x%3D%3Cscript%3E"

    def test_unknown_or_missing(self) -> None:
        assert tracking_url("other", "123") is None
        assert tracking_url(None, "123") is None
        assert tracking_url("ups", None) is None
