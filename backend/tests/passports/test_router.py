import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
import segno
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.listing_cache import material_key
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    PassportChange,
    SustainabilityMetric,
)
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_user

COMPOSITION = [{"fibre": "cotton", "percent": 60}, {"fibre": "recycled_polyester", "percent": 40}]
CERTIFICATIONS = [{"scheme": "GRS", "certificate_id": "GRS-123", "valid_until": "2030-01-31"}]
SUPPLY_CHAIN = [
    {"stage": "fibre", "company": "Fibras SA", "country": "ES", "date": "2025-01-10"},
    {"stage": "weaving", "company": "Tecelagem Lda", "country": "PT", "date": None},
]


def url(material_id: object, suffix: str = "") -> str:
    return f"/api/passports/{material_id}{suffix}"


async def seller_and_material(session: AsyncSession, **overrides: Any) -> tuple[User, Material]:
    seller = await make_user(session, company_name="Fiação Ünïcode Têxteis")
    values: dict[str, Any] = {
        "material_type": "blend",
        "source_type": "deadstock",
        "composition": COMPOSITION,
        "certifications": CERTIFICATIONS,
        "supply_chain": SUPPLY_CHAIN,
        "origin_country": "PT",
        "manufacture_date": date(2025, 2, 1),
    }
    values.update(overrides)
    material = await make_material(session, seller, **values)
    return seller, material


async def add_metric(
    session: AsyncSession, material: Material, at: datetime, carbon: str, water: str | None
) -> None:
    session.add(
        SustainabilityMetric(
            material_id=material.id,
            carbon_footprint=Decimal(carbon),
            water_usage=None if water is None else Decimal(water),
            chemical_composition=[{"name": "Formaldehyde", "cas_number": "50-00-0"}],
            recorded_by=material.seller_id,
            recorded_at=at,
        )
    )
    await session.flush()


async def changes_of(session: AsyncSession, material: Material) -> list[PassportChange]:
    result = await session.execute(
        select(PassportChange)
        .join(DigitalProductPassport, DigitalProductPassport.id == PassportChange.passport_id)
        .where(DigitalProductPassport.material_id == material.id)
        .order_by(PassportChange.changed_at)
    )
    return list(result.scalars().all())


class TestGetPassport:
    async def test_public(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session)
        response = await client.get(url(material.id))
        assert response.status_code == 200
        data = response.json()
        assert data["material_id"] == str(material.id)
        assert uuid.UUID(data["passport_id"])
        assert data["material_type"] == "blend"
        assert data["title"] == material.title
        assert data["origin"] == "PT"
        assert data["manufacture_date"] == "2025-02-01"
        assert data["composition"] == COMPOSITION
        # Self-declared: no certificate of the seller's backs it.
        assert data["certifications"] == [
            {**CERTIFICATIONS[0], "verified": False, "verified_at": None}
        ]
        assert data["supply_chain"] == SUPPLY_CHAIN
        assert data["issuer"] == {"company_name": "Fiação Ünïcode Têxteis"}
        assert data["public_url"] == f"http://testserver/passport/{material.id}"
        assert data["qr_url"] == f"http://testserver/api/passports/{material.id}/qr.svg"
        assert data["sustainability_metrics"] is None
        assert data["metrics_history"] == []
        # Deadstock: .6 x (1.8 + 4.5) + .4 x (2.6 + 4.5) = 3.78 + 2.84
        assert data["impact"] == {
            "carbon_saved_per_kg": 6.62,
            "water_saved_per_kg": 1330,
            "baseline": "virgin cotton + polyester",
        }
        assert data["created_at"].endswith("Z")
        assert data["updated_at"].endswith("Z")
        assert data["changes"] == []

    async def test_metrics_history_newest_first(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, material = await seller_and_material(session)
        now = datetime.now(UTC)
        await add_metric(session, material, now - timedelta(days=10), "3.100", "400")
        await add_metric(session, material, now - timedelta(days=1), "2.900", None)
        data = (await client.get(url(material.id))).json()
        assert [m["carbon_footprint"] for m in data["metrics_history"]] == [2.9, 3.1]
        latest = data["sustainability_metrics"]
        assert latest["carbon_footprint"] == 2.9
        assert latest["water_usage"] is None
        assert latest["chemical_composition"] == [
            {"name": "Formaldehyde", "cas_number": "50-00-0", "concentration_ppm": None}
        ]
        assert latest["recorded_at"].endswith("Z")

    @pytest.mark.parametrize("status", ["archived", "sold_out"])
    async def test_outlives_the_listing(
        self, client: AsyncClient, session: AsyncSession, status: str
    ) -> None:
        _, material = await seller_and_material(session, status=status)
        assert (await client.get(url(material.id))).status_code == 200

    async def test_deleted_listing_still_public(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, material = await seller_and_material(
            session, status="archived", deleted_at=datetime.now(UTC)
        )
        assert (await client.get(url(material.id))).status_code == 200

    async def test_draft_only_for_its_owner(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller, material = await seller_and_material(session, status="draft")
        other = await make_user(session, role="brand")
        anonymous = await client.get(url(material.id))
        assert anonymous.status_code == 404
        assert_error(anonymous.json(), "not_found")
        assert (await client.get(url(material.id), headers=auth_headers(other))).status_code == 404
        owner = await client.get(url(material.id), headers=auth_headers(seller))
        assert owner.status_code == 200

    async def test_a_material_without_a_passport_gets_one(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        material = Material(
            seller_id=seller.id,
            title="Legacy row",
            material_type="hemp",
            quantity=Decimal(1),
            unit="kg",
            price=Decimal(1),
            currency="EUR",
        )
        session.add(material)
        await session.flush()
        first = await client.get(url(material.id))
        second = await client.get(url(material.id))
        assert first.status_code == second.status_code == 200
        assert first.json()["passport_id"] == second.json()["passport_id"]
        assert first.json()["impact"]["baseline"] == "virgin hemp"

    @pytest.mark.usefixtures("session")
    async def test_unknown(self, client: AsyncClient) -> None:
        response = await client.get(url(uuid.uuid4()))
        assert response.status_code == 404
        assert_error(response.json(), "not_found")

    @pytest.mark.usefixtures("session")
    @pytest.mark.parametrize("bad", ["not-a-uuid", "1' OR '1'='1", "%00"])
    async def test_bad_id_is_404(self, client: AsyncClient, bad: str) -> None:
        assert (await client.get(url(bad))).status_code == 404

    async def test_bad_token_is_401(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session)
        response = await client.get(url(material.id), headers={"Authorization": "Bearer x.y.z"})
        assert response.status_code == 401


class TestUpdatePassport:
    async def test_valid(self, client: AsyncClient, session: AsyncSession, redis: Redis) -> None:
        seller, material = await seller_and_material(session)
        before = (await client.get(url(material.id))).json()
        await redis.set(material_key(material.id), b"stale")
        body = {
            "origin": "es",
            "manufacture_date": "2024-12-24",
            "composition": [{"fibre": "Wool", "percent": 70}, {"fibre": "nylon", "percent": 30}],
            "certifications": [{"scheme": "rws", "certificate_id": "RWS-9"}],
            "supply_chain": [{"stage": "spinning", "company": "Hilaturas 東京", "country": "JP"}],
        }
        response = await client.put(url(material.id), json=body, headers=auth_headers(seller))
        assert response.status_code == 200
        data = response.json()
        assert data["origin"] == "ES"
        assert data["manufacture_date"] == "2024-12-24"
        assert data["composition"] == body["composition"]
        assert data["certifications"] == [
            {
                "scheme": "RWS",
                "certificate_id": "RWS-9",
                "valid_until": None,
                "verified": False,
                "verified_at": None,
            }
        ]
        assert data["supply_chain"][0]["company"] == "Hilaturas 東京"
        assert data["updated_at"] > before["updated_at"]
        assert data["impact"]["baseline"] == "virgin wool + nylon"
        await session.refresh(material)
        assert material.origin_country == "ES"
        assert material.composition == body["composition"]
        assert await redis.get(material_key(material.id)) is None
        [change] = data["changes"]
        assert change["kind"] == "passport_updated"
        assert change["changed_by"] == {
            "user_id": str(seller.id),
            "company_name": seller.company_name,
        }
        assert change["changed_at"].endswith("Z")
        assert change["fields"]["origin"] == {"old": "PT", "new": "ES"}
        assert change["fields"]["manufacture_date"] == {"old": "2025-02-01", "new": "2024-12-24"}
        assert change["fields"]["composition"]["old"] == COMPOSITION
        assert set(change["fields"]) == set(body)

    async def test_partial_and_clearing(self, client: AsyncClient, session: AsyncSession) -> None:
        seller, material = await seller_and_material(session)
        response = await client.put(
            url(material.id), json={"origin": None}, headers=auth_headers(seller)
        )
        assert response.status_code == 200
        data = response.json()
        assert data["origin"] is None
        assert data["composition"] == COMPOSITION
        assert list(data["changes"][0]["fields"]) == ["origin"]

    async def test_no_change_records_nothing(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller, material = await seller_and_material(session)
        for body in ({}, {"origin": "PT", "composition": COMPOSITION}):
            response = await client.put(url(material.id), json=body, headers=auth_headers(seller))
            assert response.status_code == 200
        assert await changes_of(session, material) == []

    async def test_anonymous(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session)
        response = await client.put(url(material.id), json={"origin": "FR"})
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")

    async def test_not_owner(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session)
        other = await make_user(session, role="brand")
        response = await client.put(
            url(material.id), json={"origin": "FR"}, headers=auth_headers(other)
        )
        assert response.status_code == 403
        assert_error(response.json(), "forbidden")
        await session.refresh(material)
        assert material.origin_country == "PT"

    async def test_others_draft_is_404(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session, status="draft")
        other = await make_user(session)
        response = await client.put(
            url(material.id), json={"origin": "FR"}, headers=auth_headers(other)
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "overrides",
        [
            {"status": "draft"},
            {"status": "archived", "deleted_at": datetime(2026, 1, 1, tzinfo=UTC)},
        ],
    )
    async def test_owner_may_correct_a_draft_or_a_deleted_listing(
        self, client: AsyncClient, session: AsyncSession, overrides: dict[str, Any]
    ) -> None:
        seller, material = await seller_and_material(session, **overrides)
        response = await client.put(
            url(material.id), json={"origin": "FR"}, headers=auth_headers(seller)
        )
        assert response.status_code == 200
        assert response.json()["origin"] == "FR"

    async def test_unknown(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        response = await client.put(
            url(uuid.uuid4()), json={"origin": "FR"}, headers=auth_headers(user)
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"composition": [{"fibre": "cotton", "percent": 60}]}, "composition"),
            ({"composition": [{"fibre": "cotton", "percent": 0}]}, "composition.0.percent"),
            ({"composition": [{"fibre": "", "percent": 100}]}, "composition.0.fibre"),
            ({"composition": [{"fibre": "x" * 101, "percent": 100}]}, "composition.0.fibre"),
            ({"composition": [{"fibre": "a", "percent": 5}] * 21}, "composition"),
            ({"composition": None}, "composition"),
            ({"composition": "cotton"}, "composition"),
            (
                {"certifications": [{"scheme": "Made-up", "certificate_id": "1"}]},
                "certifications.0.scheme",
            ),
            ({"certifications": [{"scheme": "GOTS"}]}, "certifications.0.certificate_id"),
            (
                {"supply_chain": [{"stage": "mining", "company": "A", "country": "PT"}]},
                "supply_chain.0.stage",
            ),
            (
                {"supply_chain": [{"stage": "fibre", "company": "A", "country": "XX"}]},
                "supply_chain.0.country",
            ),
            ({"origin": "Portugal"}, "origin"),
            ({"origin": 351}, "origin"),
            ({"manufacture_date": "2999-01-01"}, "manufacture_date"),
            ({"manufacture_date": "01/02/2025"}, "manufacture_date"),
            ({"title": "not a passport field"}, "title"),
        ],
    )
    async def test_invalid(
        self, client: AsyncClient, session: AsyncSession, body: dict[str, Any], field: str
    ) -> None:
        seller, material = await seller_and_material(session)
        response = await client.put(url(material.id), json=body, headers=auth_headers(seller))
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert field in [d["field"] for d in response.json()["error"]["details"]]
        await session.refresh(material)
        assert material.composition == COMPOSITION
        assert material.origin_country == "PT"
        assert await changes_of(session, material) == []

    async def test_injection_strings_are_data(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller, material = await seller_and_material(session)
        evil = "'; DROP TABLE materials; -- <script>alert(1)</script>"
        body = {"supply_chain": [{"stage": "other", "company": evil, "country": "PT"}]}
        response = await client.put(url(material.id), json=body, headers=auth_headers(seller))
        assert response.status_code == 200
        assert response.json()["supply_chain"][0]["company"] == evil


class TestAddMetrics:
    async def test_valid_keeps_history(
        self, client: AsyncClient, session: AsyncSession, redis: Redis
    ) -> None:
        seller, material = await seller_and_material(
            session, material_type="cotton", source_type="post_consumer", composition=[]
        )
        headers = auth_headers(seller)
        first = await client.post(
            url(material.id, "/metrics"),
            json={"carbon_footprint": 3.5, "water_usage": 500},
            headers=headers,
        )
        assert first.status_code == 201
        assert set(first.json()) == {"metric_id", "created_at"}
        assert first.json()["created_at"].endswith("Z")
        await redis.set(material_key(material.id), b"stale")
        second = await client.post(
            url(material.id, "/metrics"),
            json={
                "carbon_footprint": "2.0004",
                "water_usage": 300,
                "chemical_composition": [
                    {"name": "Formaldehyde", "cas_number": "50-00-0", "concentration_ppm": 8}
                ],
            },
            headers=headers,
        )
        assert second.status_code == 201
        assert await redis.get(material_key(material.id)) is None
        data = (await client.get(url(material.id))).json()
        assert data["sustainability_metrics"]["carbon_footprint"] == 2.0
        assert [m["carbon_footprint"] for m in data["metrics_history"]] == [2.0, 3.5]
        # Post-consumer cotton with the seller's figures: 6.3 - 2.0 and 2170 - 300.
        assert data["impact"]["carbon_saved_per_kg"] == 4.3
        assert data["impact"]["water_saved_per_kg"] == 1870
        kinds = [c["kind"] for c in data["changes"]]
        assert kinds == ["metrics_added", "metrics_added"]
        latest = data["changes"][1]["fields"]
        assert latest["carbon_footprint"] == {"old": 3.5, "new": 2.0}
        assert latest["water_usage"] == {"old": 500, "new": 300}
        rows = (
            (
                await session.execute(
                    select(SustainabilityMetric).where(
                        SustainabilityMetric.material_id == material.id
                    )
                )
            )
            .scalars()
            .all()
        )
        assert len(rows) == 2
        assert {r.recorded_by for r in rows} == {seller.id}

    async def test_anonymous(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session)
        response = await client.post(url(material.id, "/metrics"), json={"carbon_footprint": 1})
        assert response.status_code == 401

    async def test_not_owner(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session)
        other = await make_user(session)
        response = await client.post(
            url(material.id, "/metrics"), json={"carbon_footprint": 1}, headers=auth_headers(other)
        )
        assert response.status_code == 403
        assert (await client.get(url(material.id))).json()["metrics_history"] == []

    async def test_unknown(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session)
        response = await client.post(
            url(uuid.uuid4(), "/metrics"), json={"carbon_footprint": 1}, headers=auth_headers(user)
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"carbon_footprint": -1},
            {"water_usage": -0.01},
            {"carbon_footprint": "lots"},
            {"carbon_footprint": "NaN"},
            {"carbon_footprint": 1e12},
            {"chemical_composition": [{"name": "X", "cas_number": "50-00-1"}]},
            {"chemical_composition": "none"},
            {"carbon_footprint": 1, "recorded_at": "2020-01-01T00:00:00Z"},
        ],
    )
    async def test_invalid(
        self, client: AsyncClient, session: AsyncSession, body: dict[str, Any]
    ) -> None:
        seller, material = await seller_and_material(session)
        response = await client.post(
            url(material.id, "/metrics"), json=body, headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert (await client.get(url(material.id))).json()["metrics_history"] == []


class TestQr:
    async def test_encodes_the_public_url(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session)
        response = await client.get(url(material.id, "/qr.svg"))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        root = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        path = root.find("{http://www.w3.org/2000/svg}path")
        assert path is not None
        expected_url = f"http://testserver/passport/{material.id}"

        def qr_path(text: str) -> str | None:
            buffer = io.BytesIO()
            segno.make(text, error="m", micro=False).save(buffer, kind="svg", scale=4, border=4)
            found = ElementTree.fromstring(buffer.getvalue()).find(  # noqa: S314
                "{http://www.w3.org/2000/svg}path"
            )
            assert found is not None
            return found.get("d")

        assert path.get("d") == qr_path(expected_url)
        assert path.get("d") != qr_path(expected_url + "x")

    async def test_draft_is_404_for_others(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller, material = await seller_and_material(session, status="draft")
        assert (await client.get(url(material.id, "/qr.svg"))).status_code == 404
        owner = await client.get(url(material.id, "/qr.svg"), headers=auth_headers(seller))
        assert owner.status_code == 200

    @pytest.mark.usefixtures("session")
    async def test_unknown(self, client: AsyncClient) -> None:
        response = await client.get(url(uuid.uuid4(), "/qr.svg"))
        assert response.status_code == 404
        assert_error(response.json(), "not_found")


class TestUntp:
    async def test_credential(self, client: AsyncClient, session: AsyncSession) -> None:
        seller, material = await seller_and_material(session)
        await add_metric(session, material, datetime.now(UTC), "5.25", "100")
        response = await client.get(url(material.id, "/untp.json"))
        assert response.status_code == 200
        vc = response.json()
        assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
        assert "untp/dpp" in vc["@context"][1]
        assert vc["type"] == ["DigitalProductPassport", "VerifiableCredential"]
        assert vc["issuer"]["id"] == "did:web:testserver"
        producer = vc["credentialSubject"]["product"]["producedByParty"]
        assert producer == {"id": f"urn:uuid:{seller.id}", "name": seller.company_name}
        assert vc["validFrom"].endswith("Z")
        assert "proof" not in vc
        subject = vc["credentialSubject"]
        assert subject["product"]["name"] == material.title
        assert subject["product"]["id"] == f"http://testserver/passport/{material.id}"
        assert subject["product"]["countryOfProduction"] == "PT"
        assert subject["product"]["productionDate"] == "2025-02-01"
        assert subject["granularityLevel"] == "batch"
        provenance = subject["materialsProvenance"]
        assert [(m["name"], m["massFraction"], m["recycledMassFraction"]) for m in provenance] == [
            ("cotton", 0.6, 0),
            ("recycled polyester", 0.4, 1),
        ]
        assert {m["originCountry"] for m in provenance} == {"ES"}  # the fibre stage's country
        [claim] = subject["conformityClaim"]
        assert claim["referenceStandard"]["name"] == "GRS"
        assert claim["conformityTopic"] == "circularity.content"
        assert claim["conformance"] is True
        assert "GRS-123" in claim["description"]
        scorecard = subject["emissionsScorecard"]
        assert scorecard["carbonFootprint"] == 5.25
        assert scorecard["declaredUnit"] == "KGM"
        assert scorecard["operationalScope"] == "CradleToGate"
        assert scorecard["primarySourcedRatio"] == 1
        assert "supplier-specific" in scorecard["reportingStandard"]["name"]
        assert subject["circularityScorecard"]["recycledContent"] == 0.4
        steps = subject["traceabilityInformation"]
        assert [s["valueChainProcess"] for s in steps] == [
            "fibre: Fibras SA (ES, 2025-01-10)",
            "weaving: Tecelagem Lda (PT)",
        ]

    async def test_default_footprint_and_single_type(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, material = await seller_and_material(
            session,
            material_type="recycled_nylon",
            source_type="post_industrial",
            composition=[],
            certifications=[{"scheme": "GRS", "certificate_id": "1", "valid_until": "2020-01-01"}],
        )
        subject = (await client.get(url(material.id, "/untp.json"))).json()["credentialSubject"]
        assert subject["emissionsScorecard"]["carbonFootprint"] == 6.9  # 2.4 + 4.5
        assert subject["emissionsScorecard"]["primarySourcedRatio"] == 0
        assert "average-data" in subject["emissionsScorecard"]["reportingStandard"]["name"]
        assert subject["materialsProvenance"][0]["massFraction"] == 1
        assert subject["materialsProvenance"][0]["recycledMassFraction"] == 1
        assert subject["conformityClaim"][0]["conformance"] is False  # expired

    async def test_no_footprint_no_scorecard(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        _, material = await seller_and_material(
            session, material_type="silk", composition=[], supply_chain=[], origin_country=None
        )
        subject = (await client.get(url(material.id, "/untp.json"))).json()["credentialSubject"]
        assert "emissionsScorecard" not in subject
        assert "countryOfProduction" not in subject["product"]
        assert "originCountry" not in subject["materialsProvenance"][0]

    async def test_draft_and_unknown(self, client: AsyncClient, session: AsyncSession) -> None:
        _, material = await seller_and_material(session, status="draft")
        assert (await client.get(url(material.id, "/untp.json"))).status_code == 404
        assert (await client.get(url(uuid.uuid4(), "/untp.json"))).status_code == 404


class TestChangesThroughTheMaterial:
    async def test_material_update_shows_on_the_passport(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller, material = await seller_and_material(session)
        response = await client.put(
            f"/api/materials/{material.id}",
            json={"origin_country": "FR", "title": "Renamed twill"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200, response.text
        data = (await client.get(url(material.id))).json()
        assert data["title"] == "Renamed twill"
        assert data["origin"] == "FR"
        [change] = data["changes"]
        assert change["kind"] == "material_updated"
        assert change["fields"]["origin"] == {"old": "PT", "new": "FR"}

    async def test_metrics_sent_with_a_listing_update_are_logged(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller, material = await seller_and_material(session)
        response = await client.put(
            f"/api/materials/{material.id}",
            json={"sustainability_metrics": {"carbon_footprint": 2.5, "water_usage": 40}},
            headers=auth_headers(seller),
        )
        assert response.status_code == 200, response.text
        data = (await client.get(url(material.id))).json()
        [change] = [c for c in data["changes"] if c["kind"] == "metrics_added"]
        assert change["fields"]["carbon_footprint"]["new"] == 2.5
        assert change["changed_by"]["user_id"] == str(seller.id)
        assert data["sustainability_metrics"]["carbon_footprint"] == 2.5
