"""Every passport's UNTP credential against the official UNTP DPP 0.6.1 artefacts: the JSON
schema, and JSON-LD expansion with the published contexts (from files) that keeps every term."""

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.vocabulary import (
    CERTIFICATION_SCHEMES,
    MATERIAL_TYPES,
    SOURCE_TYPES,
    SUPPLY_CHAIN_STAGES,
    UNITS,
)
from fabricloop.materials.models import Material
from tests.factories import make_material, make_user
from tests.passports.untp_artefacts import (
    expansion_problems,
    read,
    schema_errors,
)

CONTEXT_URL = "http://testserver/api/contexts/fabricloop-dpp-v1.jsonld"
REC20 = {"kg": "KGM", "m": "MTR", "m2": "MTK", "yd": "YRD", "roll": "RO", "piece": "H87"}


async def extension(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/contexts/fabricloop-dpp-v1.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    return {CONTEXT_URL: response.json()}


async def credential(client: AsyncClient, material: Material) -> dict[str, Any]:
    response = await client.get(f"/api/passports/{material.id}/untp.json")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def variant(index: int, material_type: str) -> dict[str, Any]:
    """A different passport for each index: sources, units, certifications, supply chains,
    compositions, origins and metrics vary together with the material type."""
    unit = UNITS[index % len(UNITS)]
    values: dict[str, Any] = {
        "material_type": material_type,
        "source_type": SOURCE_TYPES[index % len(SOURCE_TYPES)],
        "unit": unit,
        "kg_per_unit": None if unit == "kg" else Decimal("0.35"),
        "quantity": Decimal("12.5") if unit not in ("roll", "piece") else Decimal(3),
        "title": f"Lot «{material_type}» — ünïcode ✓ {index}",
        "description": "" if index % 4 == 0 else "Left over from a cancelled order.",
        "origin_country": None if index % 5 == 0 else ["PT", "BD", "CN", "IT", "TR"][index % 5],
        "manufacture_date": None if index % 3 == 0 else date(2025, 1 + index % 12, 1),
        "composition": [],
        "certifications": [],
        "supply_chain": [],
    }
    if material_type == "blend" or index % 2:
        values["composition"] = [
            {"fibre": "recycled polyester", "percent": 30},
            {"fibre": "cotton", "percent": 60},
            {"fibre": "silk", "percent": 10},
        ]
    if index % 3 != 1:
        schemes = itertools.islice(itertools.cycle(CERTIFICATION_SCHEMES), index, index + 2)
        values["certifications"] = [
            {"scheme": s, "certificate_id": f"C-{index}-{n}", "valid_until": "2020-01-01"}
            if n
            else {"scheme": s, "certificate_id": f"C-{index}", "valid_until": None}
            for n, s in enumerate(schemes)
        ]
    if index % 2 == 0:
        stages = SUPPLY_CHAIN_STAGES[index % 3 :: 3]
        values["supply_chain"] = [
            {"stage": stage, "company": f"Mill {n} & Söhne", "country": "DE", "date": None}
            if n % 2
            else {"stage": stage, "company": "Fiação", "country": "PT", "date": "2024-06-01"}
            for n, stage in enumerate(stages)
        ]
    return values


class TestOfficialSample:
    def test_the_checks_pass_the_official_sample(self) -> None:
        sample = read("dpp-0.6.1-instance.json")
        assert schema_errors(sample) == []
        assert expansion_problems(sample) == []

    def test_the_checks_catch_what_the_issue_found(self) -> None:
        sample = read("dpp-0.6.1-instance.json")
        sample["credentialSubject"]["materialsProvenance"][0]["recycled"] = True
        sample["credentialSubject"]["emissionsScorecard"]["type"] = ["EmissionsPerformance"]
        problems = expansion_problems(sample)
        assert "1 of 361 values were dropped by expansion" in problems
        assert any("EmissionsPerformance" in p for p in problems)
        sample["@context"][1] = "https://test.uncefact.org/vocabulary/untp/dpp/0.6.0/"
        sample["issuer"]["id"] = "not a uri"
        assert len(schema_errors(sample)) == 2


class TestEveryPassportValidates:
    async def test_every_material_type_and_shape(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session, company_name="Têxteis «Norte» Lda")
        contexts = await extension(client)
        checked = 0
        for index, material_type in enumerate(MATERIAL_TYPES):
            metrics: dict[str, Any] = {}
            if index % 2:
                metrics = {"carbon_footprint": Decimal("3.125"), "water_usage": Decimal(80)}
            material = await make_material(
                session, seller, **metrics, **variant(index, material_type)
            )
            vc = await credential(client, material)
            assert schema_errors(vc) == [], (material_type, index)
            assert expansion_problems(vc, contexts) == [], (material_type, index)
            checked += 1
        assert checked == len(MATERIAL_TYPES)

    async def test_archived_and_deleted_listings(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        contexts = await extension(client)
        for values in ({"status": "archived"}, {"deleted_at": datetime.now(UTC)}):
            material = await make_material(session, seller, **values)
            vc = await credential(client, material)
            assert schema_errors(vc) == []
            assert expansion_problems(vc, contexts) == []


class TestCredentialContent:
    async def test_issuer_contexts_units_and_recycled_content(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session, company_name="Fiação Têxtil")
        material = await make_material(
            session,
            seller,
            material_type="cotton",
            source_type="post_consumer",
            unit="m",
            kg_per_unit=Decimal("0.25"),
            composition=[
                {"fibre": "cotton", "percent": 70},
                {"fibre": "recycled_polyester", "percent": 30},
            ],
        )
        vc = await credential(client, material)
        assert vc["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://test.uncefact.org/vocabulary/untp/dpp/0.6.1/",
            CONTEXT_URL,
        ]
        assert vc["issuer"]["id"] == "did:web:testserver"
        subject = vc["credentialSubject"]
        assert subject["product"]["producedByParty"] == {
            "id": f"urn:uuid:{seller.id}",
            "name": "Fiação Têxtil",
        }
        # From the composition: the cotton is not recycled because the listing is
        # post-consumer; the recycled polyester is.
        assert [
            (m["name"], m["massFraction"], m["recycledMassFraction"])
            for m in subject["materialsProvenance"]
        ] == [("cotton", 0.7, 0), ("recycled polyester", 0.3, 1)]
        assert subject["circularityScorecard"]["recycledContent"] == 0.3
        assert subject["availableQuantity"] == {"value": 100, "unit": "MTR"}
        assert subject["product"]["dimensions"] == {"weight": {"value": 0.25, "unit": "KGM"}}
        assert subject["sourceType"] == "post_consumer"
        assert "recycled" not in subject["materialsProvenance"][0]

    @pytest.mark.parametrize("unit", UNITS)
    async def test_rec20_units(self, client: AsyncClient, session: AsyncSession, unit: str) -> None:
        seller = await make_user(session)
        material = await make_material(
            session, seller, unit=unit, kg_per_unit=None if unit == "kg" else Decimal(2)
        )
        subject = (await credential(client, material))["credentialSubject"]
        assert subject["availableQuantity"]["unit"] == REC20[unit]

    @pytest.mark.parametrize(
        ("material_type", "composition", "first_name", "recycled_content"),
        [
            ("recycled_wool", [], "recycled wool", 1),
            (
                "recycled_cotton",
                [{"fibre": "cotton", "percent": 95}, {"fibre": "elastane", "percent": 5}],
                "cotton",
                0.95,
            ),
        ],
    )
    async def test_recycled_types(
        self,
        client: AsyncClient,
        session: AsyncSession,
        material_type: str,
        composition: list[dict[str, Any]],
        first_name: str,
        recycled_content: float,
    ) -> None:
        seller = await make_user(session)
        material = await make_material(
            session, seller, material_type=material_type, composition=composition
        )
        subject = (await credential(client, material))["credentialSubject"]
        assert subject["materialsProvenance"][0]["name"] == first_name
        assert subject["circularityScorecard"]["recycledContent"] == recycled_content

    async def test_claims_name_the_issuing_body(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        material = await make_material(
            session,
            seller,
            certifications=[
                {"scheme": "GOTS", "certificate_id": "G-1", "valid_until": None},
                {"scheme": "other", "certificate_id": "X", "valid_until": "2020-01-01"},
            ],
        )
        subject = (await credential(client, material))["credentialSubject"]
        gots, other = subject["conformityClaim"]
        assert gots["referenceStandard"]["issuingParty"]["name"].startswith("Global Organic")
        assert gots["conformance"] is True
        assert "referenceStandard" not in other
        assert other["conformance"] is False


class TestExtensionContext:
    async def test_served_and_cacheable(self, client: AsyncClient) -> None:
        response = await client.get("/api/contexts/fabricloop-dpp-v1.jsonld")
        assert response.status_code == 200
        terms = response.json()["@context"]
        assert {"sourceType", "availableQuantity", "avoidedImpact", "parentPassport"} <= set(terms)
        assert "max-age" in response.headers["cache-control"]
