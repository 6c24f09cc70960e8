"""The impact method against figures computed by hand from data/material_factors.csv."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabricloop.core.vocabulary import MATERIAL_TYPES
from fabricloop.impact.factors import all_factors, factor_for_fibre, parse_factors
from fabricloop.impact.methodology import methodology
from fabricloop.impact.service import PerKgImpact, impact_out, per_kg_impact, purchase_impact


def single(
    material_type: str, source_type: str, cf: D | None = None, water: D | None = None
) -> PerKgImpact:
    return per_kg_impact(material_type, source_type, [], cf, water)


class TestFactors:
    def test_every_material_type_has_a_row(self) -> None:
        assert set(all_factors()) == set(MATERIAL_TYPES)

    def test_empty_cells_are_no_figure(self) -> None:
        linen = all_factors()["linen"]
        assert linen.virgin_co2e_per_kg == D("1.2")
        assert linen.recycled_co2e_per_kg is None
        assert linen.virgin_water_l_per_kg is None
        assert all_factors()["silk"].quality == "none"

    def test_sources_are_kept(self) -> None:
        assert "Miljogiraff" in all_factors()["cotton"].sources

    def test_parse_keeps_decimals_exact(self) -> None:
        text = (
            "material_type,fibre,virgin_co2e_per_kg,recycled_co2e_per_kg,virgin_water_l_per_kg,"
            'recycled_water_l_per_kg,quality,sources\nx,x,0.1, ,3,,low,"a, b"\n'
        )
        row = parse_factors(text)["x"]
        assert row.virgin_co2e_per_kg == D("0.1")
        assert row.recycled_co2e_per_kg is None
        assert row.sources == "a, b"

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("Cotton", "cotton"),
            (" recycled polyester ", "recycled_polyester"),
            ("Polyamide", "nylon"),
            ("spandex", "elastane"),
            ("organic-cotton", "organic_cotton"),
        ],
    )
    def test_fibre_names(self, name: str, expected: str) -> None:
        factor = factor_for_fibre(name)
        assert factor is not None
        assert factor.material_type == expected

    @pytest.mark.parametrize("name", ["blend", "other", "unobtainium", ""])
    def test_unknown_fibres(self, name: str) -> None:
        assert factor_for_fibre(name) is None


class TestSingleType:
    def test_cotton_deadstock(self) -> None:
        i = single("cotton", "deadstock")
        assert i.carbon_footprint_per_kg == D("6.3")  # 1.8 + 4.5
        assert i.water_per_kg == D("2170")  # 2120 + 50
        assert i.baseline == "virgin cotton"
        assert i.baseline_carbon_per_kg == D("6.3")
        assert i.carbon_saved_per_kg == D("6.3")  # new emissions 0
        assert i.water_saved_per_kg == D("2170")
        assert i.carbon_saved_share == 1
        assert not i.carbon_footprint_from_seller

    @pytest.mark.parametrize("source", ["surplus", "post_industrial"])
    def test_existing_sources_like_deadstock(self, source: str) -> None:
        assert single("cotton", source) == single("cotton", "deadstock")

    def test_cotton_post_consumer(self) -> None:
        i = single("cotton", "post_consumer")
        assert i.carbon_footprint_per_kg == D("4.9")  # 0.4 + 4.5
        assert i.water_per_kg == D("685")  # 635 + 50
        assert i.carbon_saved_per_kg == D("1.4")  # 6.3 - 4.9
        assert i.water_saved_per_kg == D("1485")  # 2170 - 685

    def test_recycled_type_is_the_recycled_column(self) -> None:
        i = single("recycled_polyester", "deadstock")
        assert i.carbon_footprint_per_kg == D("6.0")  # 1.5 + 4.5
        assert i.baseline == "virgin polyester"
        assert i.baseline_carbon_per_kg == D("7.1")  # 2.6 + 4.5
        assert i.carbon_saved_per_kg == D("7.1")
        assert i.water_saved_per_kg == D("70")

    def test_recycled_polyester_recycled_claims_no_water(self) -> None:
        i = single("recycled_polyester", "recycled")
        assert i.carbon_saved_per_kg == D("1.1")  # 7.1 - 6.0
        assert i.water_saved_per_kg == D("0")  # 70 - 70

    def test_organic_cotton_baseline_is_virgin_organic(self) -> None:
        i = single("organic_cotton", "deadstock")
        assert i.baseline == "virgin organic cotton"
        assert i.carbon_footprint_per_kg == D("5.5")
        assert i.carbon_saved_per_kg == D("5.5")
        assert i.water_saved_per_kg == D("232")

    def test_organic_cotton_recycled_has_no_recycled_column(self) -> None:
        i = single("organic_cotton", "post_consumer")
        assert i.carbon_footprint_per_kg is None
        assert i.carbon_saved_per_kg is None
        assert i.carbon_saved_share == 0
        assert i.baseline_carbon_per_kg == D("5.5")

    def test_wool_post_consumer_claims_no_water(self) -> None:
        i = single("wool", "post_consumer")
        assert i.carbon_footprint_per_kg == D("5.4")
        assert i.carbon_saved_per_kg == D("9.1")  # 14.5 - 5.4
        assert i.water_per_kg is None
        assert i.water_saved_per_kg is None
        assert i.baseline_water_per_kg == D("340")

    def test_recycled_wool_deadstock_saves_virgin_water(self) -> None:
        i = single("recycled_wool", "deadstock")
        assert i.carbon_footprint_per_kg == D("5.4")
        assert i.water_per_kg is None
        assert i.water_saved_per_kg == D("340")

    def test_linen_has_no_water(self) -> None:
        i = single("linen", "surplus")
        assert i.carbon_saved_per_kg == D("5.7")
        assert i.water_saved_per_kg is None
        assert i.baseline_water_per_kg is None

    @pytest.mark.parametrize("material_type", ["silk", "acrylic", "other", "blend"])
    def test_no_factor_claims_nothing(self, material_type: str) -> None:
        i = single(material_type, "deadstock")
        assert i.carbon_footprint_per_kg is None
        assert i.carbon_saved_per_kg is None
        assert i.water_saved_per_kg is None
        assert i.baseline is None
        assert i.carbon_saved_share == 0
        assert i.carbon_footprint_share == 0

    def test_unknown_source_is_refused(self) -> None:
        with pytest.raises(ValueError, match="source_type"):
            single("cotton", "found_on_the_street")


class TestSellerMetrics:
    def test_override_own_footprint(self) -> None:
        i = single("cotton", "post_consumer", D("2.0"), D("300"))
        assert i.carbon_footprint_per_kg == D("2.0")
        assert i.carbon_saved_per_kg == D("4.3")  # 6.3 - 2.0
        assert i.water_saved_per_kg == D("1870")  # 2170 - 300
        assert i.carbon_footprint_from_seller
        assert i.water_from_seller

    def test_deadstock_saving_ignores_own_footprint(self) -> None:
        i = single("cotton", "deadstock", D("2.0"), None)
        assert i.carbon_footprint_per_kg == D("2.0")
        assert i.carbon_saved_per_kg == D("6.3")
        assert i.water_per_kg == D("2170")  # the default: no seller water
        assert not i.water_from_seller

    def test_saving_floored_at_zero(self) -> None:
        i = single("cotton", "recycled", D("9"), D("5000"))
        assert i.carbon_saved_per_kg == D("0")
        assert i.water_saved_per_kg == D("0")

    def test_no_baseline_no_saving(self) -> None:
        i = single("silk", "deadstock", D("3.2"), D("100"))
        assert i.carbon_footprint_per_kg == D("3.2")
        assert i.carbon_footprint_share == 1
        assert i.water_per_kg == D("100")
        assert i.carbon_saved_per_kg is None
        assert i.baseline is None

    def test_zero_is_a_figure(self) -> None:
        i = single("other", "post_consumer", D("0"), None)
        assert i.carbon_footprint_per_kg == D("0")
        assert i.carbon_footprint_share == 1


class TestBlend:
    def test_cotton_polyester_deadstock(self) -> None:
        composition = [{"fibre": "cotton", "percent": 60}, {"fibre": "polyester", "percent": 40}]
        i = per_kg_impact("blend", "deadstock", composition, None, None)
        assert i.carbon_footprint_per_kg == D("6.62")  # .6 x 6.3 + .4 x 7.1
        assert i.water_per_kg == D("1330")  # .6 x 2170 + .4 x 70
        assert i.carbon_saved_per_kg == D("6.62")
        assert i.water_saved_per_kg == D("1330")
        assert i.baseline == "virgin cotton + polyester"
        assert i.carbon_saved_share == 1
        assert [f.material_type for f in i.factors] == ["cotton", "polyester"]

    def test_partial_coverage(self) -> None:
        composition = [
            {"fibre": "cotton", "percent": 50},
            {"fibre": "silk", "percent": 30},
            {"fibre": "Elastane", "percent": 20},
        ]
        i = per_kg_impact("blend", "post_consumer", composition, None, None)
        assert i.carbon_footprint_per_kg == D("2.45")  # .5 x 4.9; elastane has no recycled
        assert i.carbon_footprint_share == D("0.5")
        assert i.carbon_saved_per_kg == D("0.7")  # .5 x (6.3 - 4.9)
        assert i.carbon_saved_share == D("0.5")
        assert i.baseline_carbon_per_kg == D("8.25")  # .5 x 6.3 + .2 x 25.5
        assert i.baseline == "virgin cotton + elastane"
        assert i.water_saved_per_kg == D("742.5")  # .5 x 1485

    def test_seller_metrics_on_a_partly_known_blend(self) -> None:
        composition = [{"fibre": "cotton", "percent": 50}, {"fibre": "silk", "percent": 50}]
        i = per_kg_impact("blend", "recycled", composition, D("3"), None)
        assert i.carbon_footprint_per_kg == D("3")
        assert i.carbon_footprint_share == 1
        assert i.carbon_saved_per_kg == D("1.65")  # .5 x 6.3 - .5 x 3
        assert i.carbon_saved_share == D("0.5")

    def test_fractional_and_bad_percents(self) -> None:
        composition: list[dict[str, object]] = [
            {"fibre": "cotton", "percent": 99.5},
            {"fibre": "polyester", "percent": "junk"},
            {"fibre": 7, "percent": 0.5},
            {"percent": 10},
        ]
        i = per_kg_impact("blend", "deadstock", composition, None, None)
        assert i.carbon_saved_per_kg == D("6.2685")  # .995 x 6.3
        assert i.carbon_saved_share == D("0.995")

    def test_a_typed_listing_is_charged_by_its_composition(self) -> None:
        # A "cotton" listing of 70% cotton and 30% polyester is not pure cotton:
        # 0.7 x (1.8 + 4.5) + 0.3 x (2.6 + 4.5) = 4.41 + 2.13 = 6.54 kg CO2e per kg;
        # water 0.7 x (2120 + 50) + 0.3 x (20 + 50) = 1519 + 21 = 1540 L per kg.
        composition = [{"fibre": "cotton", "percent": 70}, {"fibre": "polyester", "percent": 30}]
        impact = per_kg_impact("cotton", "deadstock", composition, None, None)
        assert impact.carbon_footprint_per_kg == D("6.54")
        assert impact.water_per_kg == D("1540")
        assert impact.carbon_saved_per_kg == D("6.54")  # deadstock: nothing new is made
        assert impact.baseline == "virgin cotton + polyester"

    def test_the_fibre_of_a_recycled_type_takes_the_recycled_column(self) -> None:
        # recycled_cotton listing, composition says "cotton": (0.4 + 4.5) per kg.
        composition = [{"fibre": "cotton", "percent": 100}]
        impact = per_kg_impact("recycled_cotton", "deadstock", composition, None, None)
        assert impact.carbon_footprint_per_kg == D("4.9")
        expected = single("recycled_cotton", "deadstock")
        assert impact.carbon_saved_per_kg == expected.carbon_saved_per_kg
        assert impact.water_per_kg == expected.water_per_kg


class TestPurchase:
    def test_kg_times_per_kg_and_coverage(self) -> None:
        composition = [
            {"fibre": "cotton", "percent": 50},
            {"fibre": "silk", "percent": 30},
            {"fibre": "elastane", "percent": 20},
        ]
        per_kg = per_kg_impact("blend", "post_consumer", composition, None, None)
        p = purchase_impact(D("10"), per_kg)
        assert p.scope3_emissions == D("24.5")
        assert p.carbon_saved == D("7")
        assert p.water_saved == D("7425")
        assert p.quantity_kg_without_factors == D("5")
        assert p.quantity_kg_without_footprint == D("5")

    def test_never_netted(self) -> None:
        p = purchase_impact(D("2"), single("cotton", "post_consumer"))
        assert p.scope3_emissions == D("9.8")  # 2 x 4.9, the saving of 2.8 not subtracted
        assert p.carbon_saved == D("2.8")


class TestOutput:
    def test_impact_out_rounds(self) -> None:
        composition = [{"fibre": "cotton", "percent": 33.3333}, {"fibre": "wool", "percent": 1}]
        out = impact_out(per_kg_impact("blend", "deadstock", composition, None, None))
        # .333333 x 6.3 + .01 x 14.5 = 2.2449979; water .333333 x 2170 + .01 x 340
        assert out.carbon_saved_per_kg == D("2.245")
        assert out.water_saved_per_kg == D("726.73")
        assert out.model_dump(mode="json")["carbon_saved_per_kg"] == 2.245

    def test_methodology(self) -> None:
        m = methodology()
        assert len(m.factors) == len(MATERIAL_TYPES)
        assert m.fabric_stage.co2e_per_kg == D("4.5")
        assert m.fabric_stage.water_l_per_kg == D("50")
        assert any("never" in line for line in m.method)
        used = methodology([all_factors()["wool"]])
        assert [f.material_type for f in used.factors] == ["wool"]
        dumped = used.model_dump(mode="json")["factors"][0]
        assert dumped["virgin_co2e_per_kg"] == 10.0
        assert dumped["recycled_water_l_per_kg"] is None


FIBRES = st.sampled_from(
    [*sorted(all_factors()), "silk", "unknown fibre", "Polyamide", "organic-cotton"]
)
SOURCES = st.sampled_from(["deadstock", "surplus", "post_industrial", "post_consumer", "recycled"])
FIGURES = st.none() | st.decimals(min_value=0, max_value=100, places=3)


@st.composite
def compositions(draw: st.DrawFn) -> list[dict[str, object]]:
    fibres = draw(st.lists(FIBRES, min_size=1, max_size=5, unique=True))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(1, 99), min_size=len(fibres) - 1, max_size=len(fibres) - 1, unique=True
            )
        )
    )
    bounds = [0, *cuts, 100]
    return [{"fibre": f, "percent": bounds[i + 1] - bounds[i]} for i, f in enumerate(fibres)]


class TestProperties:
    @given(compositions(), SOURCES, FIGURES, FIGURES)
    @settings(max_examples=300, deadline=None)
    def test_blend_invariants(
        self, composition: list[dict[str, object]], source: str, cf: D | None, water: D | None
    ) -> None:
        i = per_kg_impact("blend", source, composition, cf, water)
        for share in (i.carbon_footprint_share, i.carbon_saved_share, i.water_saved_share):
            assert 0 <= share <= 1
        for saved, baseline in (
            (i.carbon_saved_per_kg, i.baseline_carbon_per_kg),
            (i.water_saved_per_kg, i.baseline_water_per_kg),
        ):
            if saved is not None:
                assert baseline is not None
                assert 0 <= saved <= baseline
        if source in ("deadstock", "surplus", "post_industrial") and i.carbon_saved_share == 1:
            # Existing material avoids the whole baseline.
            assert i.carbon_saved_per_kg == i.baseline_carbon_per_kg
        if cf is not None:
            assert i.carbon_footprint_per_kg == cf

    @given(st.sampled_from(sorted(all_factors())), SOURCES)
    def test_a_pure_blend_is_its_fibre(self, material_type: str, source: str) -> None:
        alone = single(material_type, source)
        blend = per_kg_impact(
            "blend", source, [{"fibre": material_type, "percent": 100}], None, None
        )
        assert blend.carbon_saved_per_kg == alone.carbon_saved_per_kg
        assert blend.carbon_footprint_per_kg == alone.carbon_footprint_per_kg
        assert blend.water_saved_per_kg == alone.water_saved_per_kg
