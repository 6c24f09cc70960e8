"""GS1 Digital Link: GTINs on listings (check digit verified), the resolver's answers by
Accept header, its linkset, 404s for everything unknown, and the QR code that encodes it."""

import io
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
import segno
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.gs1 import check_digit, gtin_forms, gtin_problem
from fabricloop.passports.digital_link import negotiate
from tests.factories import auth_headers, make_lots, make_material, make_user
from tests.passports.untp_artefacts import expansion_problems, schema_errors

GTIN13 = "4006381333931"  # a real EAN-13: 400638133393, check digit 1
GTIN14 = "0" + GTIN13
GS1 = "https://gs1.org/voc/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def listing(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Recycled polyester twill, navy",
        "material_type": "recycled_polyester",
        "quantity": 25,
        "unit": "kg",
        "price": 4.25,
        "currency": "EUR",
    }
    body.update(overrides)
    return body


class TestGtinCheckDigit:
    @pytest.mark.parametrize(
        "gtin", ["96385074", "614141000036", GTIN13, "09520123456788", "10614141000033"]
    )
    def test_valid(self, gtin: str) -> None:
        assert gtin_problem(gtin) is None
        assert check_digit(gtin[:-1]) == int(gtin[-1])

    @pytest.mark.parametrize(
        ("gtin", "problem"),
        [
            ("4006381333932", "check digit"),
            ("400638133393", "check digit"),
            ("40063813339", "8, 12, 13 or 14"),
            ("400638133393100", "8, 12, 13 or 14"),
            ("40063813339\uff131", "digits only"),
            ("4006381333 31", "digits only"),
            ("", "digits only"),
        ],
    )
    def test_invalid(self, gtin: str, problem: str) -> None:
        found = gtin_problem(gtin)
        assert found is not None
        assert problem in found

    def test_forms_of_one_gtin(self) -> None:
        assert gtin_forms("96385074") == [
            "00000096385074",
            "0000096385074",
            "000096385074",
            "96385074",
        ]
        assert gtin_forms("09520123456788") == ["09520123456788", "9520123456788"]


class TestGtinOnListings:
    async def test_create_update_clear(self, client: AsyncClient, session: AsyncSession) -> None:
        seller = await make_user(session)
        headers = auth_headers(seller)
        created = await client.post("/api/materials", json=listing(gtin=GTIN13), headers=headers)
        assert created.status_code == 201, created.text
        material_id = created.json()["material_id"]
        detail = (await client.get(f"/api/materials/{material_id}")).json()
        assert detail["gtin"] == GTIN13
        changed = await client.put(
            f"/api/materials/{material_id}", json={"gtin": "09520123456788"}, headers=headers
        )
        assert changed.status_code == 200
        assert (await client.get(f"/api/materials/{material_id}")).json()["gtin"] == (
            "09520123456788"
        )
        cleared = await client.put(
            f"/api/materials/{material_id}", json={"gtin": None}, headers=headers
        )
        assert cleared.status_code == 200
        assert (await client.get(f"/api/materials/{material_id}")).json()["gtin"] is None

    @pytest.mark.parametrize(
        "gtin",
        ["4006381333932", "abc", 4006381333931, "", "4006381333931\x00", "1' OR '1'='1", "9" * 100],
    )
    async def test_invalid_gtin_is_422(
        self, client: AsyncClient, session: AsyncSession, gtin: object
    ) -> None:
        seller = await make_user(session)
        response = await client.post(
            "/api/materials", json=listing(gtin=gtin), headers=auth_headers(seller)
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"
        assert "gtin" in str(response.json()["error"]["details"])


class TestResolver:
    async def test_browser_gets_a_page(self, client: AsyncClient, session: AsyncSession) -> None:
        seller = await make_user(session, company_name="Fiação <b>Norte</b>")
        material = await make_material(
            session, seller, gtin=GTIN13, title="Twill <script>alert(1)</script>"
        )
        for path in (f"/01/{GTIN14}", f"/01/{GTIN13}"):
            response = await client.get(path, headers={"Accept": BROWSER})
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/html")
            assert "Accept" in response.headers["vary"].split(", ")
            assert f"<http://testserver/01/{GTIN14}?linkType=linkset>" in response.headers["link"]
            page = response.text
            assert "<script>alert" not in page
            assert "Twill &lt;script&gt;" in page
            assert "Fiação &lt;b&gt;Norte&lt;/b&gt;" in page
            assert f"/passport/{material.id}" in page
        # No Accept header (curl, a scanner app): the page for people too.
        assert (await client.get(f"/01/{GTIN14}")).headers["content-type"].startswith("text/html")

    @pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
    async def test_machines_get_the_untp_json_ld(
        self, client: AsyncClient, session: AsyncSession, accept: str
    ) -> None:
        material = await make_material(session, await make_user(session), gtin=GTIN13)
        response = await client.get(f"/01/{GTIN14}", headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/ld+json")
        credential = response.json()
        assert schema_errors(credential) == []
        product = credential["credentialSubject"]["product"]
        assert product["registeredId"] == GTIN13
        assert product["idScheme"]["id"] == "https://id.gs1.org/01/"
        unsigned = (await client.get(f"/api/passports/{material.id}/untp.json")).json()
        assert credential == unsigned

    async def test_linkset(self, client: AsyncClient, session: AsyncSession) -> None:
        material = await make_material(session, await make_user(session), gtin=GTIN13)
        for request in (
            client.get(f"/01/{GTIN14}", params={"linkType": "linkset"}),
            client.get(f"/01/{GTIN13}", headers={"Accept": "application/linkset+json"}),
        ):
            response = await request
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/linkset+json")
            [context] = response.json()["linkset"]
            assert context["anchor"] == f"http://testserver/01/{GTIN14}"
            dpp = context[GS1 + "dpp"]
            assert dpp[0] == {
                "href": f"http://testserver/api/passports/{material.id}/untp.json",
                "title": "UNTP Digital Product Passport (JSON-LD)",
                "type": "application/ld+json",
            }
            assert dpp[1]["type"] == "application/vc+jwt"
            assert context[GS1 + "sustainabilityInfo"][0]["type"] == "text/html"
            assert context[GS1 + "certificationInfo"][0]["href"].endswith("#certifications")
            assert context[GS1 + "defaultLink"][0]["href"].endswith(f"/passport/{material.id}")

    async def test_link_type_redirects(self, client: AsyncClient, session: AsyncSession) -> None:
        material = await make_material(session, await make_user(session), gtin=GTIN13)
        response = await client.get(f"/01/{GTIN14}", params={"linkType": "gs1:dpp"})
        assert response.status_code == 307
        assert response.headers["location"].endswith(f"/api/passports/{material.id}/untp.json")
        full = await client.get(f"/01/{GTIN14}", params={"linkType": GS1 + "defaultLink"})
        assert full.headers["location"].endswith(f"/passport/{material.id}")
        other = await client.get(f"/01/{GTIN14}", params={"linkType": "gs1:pip"})
        assert other.status_code == 200  # no such link: the default answer

    async def test_newest_published_listing_wins_and_deleted_still_resolve(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        old = await make_material(
            session,
            seller,
            gtin=GTIN13,
            status="archived",
            created_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        linkset = await client.get(f"/01/{GTIN14}", params={"linkType": "linkset"})
        assert str(old.id) in linkset.text
        await make_material(session, seller, gtin=GTIN14, status="draft")  # not published
        new = await make_material(
            session, seller, gtin=GTIN14, created_at=datetime(2026, 1, 1, tzinfo=UTC)
        )
        linkset = await client.get(f"/01/{GTIN14}", params={"linkType": "linkset"})
        assert str(new.id) in linkset.text

    @pytest.mark.parametrize(
        "path",
        [
            "/01/09520123456788",  # valid, but no listing has it
            "/01/4006381333932",  # wrong check digit
            "/01/abcdefghijklm",
            "/01/" + "9" * 40,
            "/01/%00",
            f"/01/{GTIN14}/10/LOT-9",  # no such lot
            f"/01/{GTIN14}/10/" + "x" * 300,
            f"/01/{GTIN14}/21/12345",  # a serial number: not resolved here
            f"/01/{GTIN14}/10/A/21/1",
            "/01/",
        ],
    )
    async def test_unknown_is_404(
        self, client: AsyncClient, session: AsyncSession, path: str
    ) -> None:
        await make_material(session, await make_user(session), gtin=GTIN13)
        for accept in (BROWSER, "application/ld+json"):
            response = await client.get(path, headers={"Accept": accept})
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"

    async def test_a_drafts_gtin_is_404(self, client: AsyncClient, session: AsyncSession) -> None:
        await make_material(session, await make_user(session), gtin=GTIN13, status="draft")
        assert (await client.get(f"/01/{GTIN14}")).status_code == 404


class TestNegotiation:
    @pytest.mark.parametrize(
        ("accept", "chosen"),
        [
            (None, "text/html"),
            ("*/*", "text/html"),
            (BROWSER, "text/html"),
            ("application/ld+json", "application/ld+json"),
            ("application/ld+json, text/html;q=0.5", "application/ld+json"),
            ("text/html;q=0.1, application/*", "application/ld+json"),
            ("application/json", "application/json"),
            ("application/linkset+json", "application/linkset+json"),
            ("image/png", "text/html"),
            ("application/ld+json;q=0, */*", "text/html"),
            ("application/ld+json;q=bad", "text/html"),
        ],
    )
    def test_choice(self, accept: str | None, chosen: str) -> None:
        assert negotiate(accept) == chosen


class TestQrEncodesTheDigitalLink:
    @staticmethod
    def qr_path(text: str) -> str | None:
        buffer = io.BytesIO()
        segno.make(text, error="m", micro=False).save(buffer, kind="svg", scale=4, border=4)
        found = ElementTree.fromstring(buffer.getvalue()).find(  # noqa: S314
            "{http://www.w3.org/2000/svg}path"
        )
        assert found is not None
        return found.get("d")

    async def test_with_and_without_gtin(self, client: AsyncClient, session: AsyncSession) -> None:
        seller = await make_user(session)
        with_gtin = await make_material(session, seller, gtin=GTIN13)
        without = await make_material(session, seller)
        for material, expected in (
            (with_gtin, f"http://testserver/01/{GTIN14}"),
            (without, f"http://testserver/passport/{without.id}"),
        ):
            svg = (await client.get(f"/api/passports/{material.id}/qr.svg")).content
            path = ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}path")  # noqa: S314
            assert path is not None
            assert path.get("d") == self.qr_path(expected)
        passport = (await client.get(f"/api/passports/{with_gtin.id}")).json()
        assert passport["gtin"] == GTIN13
        assert passport["digital_link"] == f"http://testserver/01/{GTIN14}"
        assert (await client.get(f"/api/passports/{without.id}")).json()["digital_link"] is None

    async def test_unknown_material(self, client: AsyncClient) -> None:
        assert (await client.get(f"/api/passports/{uuid.uuid4()}/qr.svg")).status_code == 404


class TestLotPassports:
    async def test_each_lot_has_its_own_passport(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        material = await make_material(session, seller, gtin=GTIN13, unit="m", kg_per_unit=1)
        await make_lots(session, material, ("DL-01/A", Decimal(40)), ("DL 02", Decimal("12.5")))
        passport = (await client.get(f"/api/passports/{material.id}")).json()
        first, second = passport["lots"]
        assert first["lot_code"] == "DL-01/A"
        assert first["quantity"] == 40
        assert first["digital_link"] == f"http://testserver/01/{GTIN14}/10/DL-01%2FA"
        assert first["passport_id"] != passport["passport_id"]
        assert second["untp_url"].endswith("untp.json?lot=DL%2002")

        lot_vc = (
            await client.get(f"/api/passports/{material.id}/untp.json", params={"lot": "DL 02"})
        ).json()
        subject = lot_vc["credentialSubject"]
        assert subject["id"] == f"urn:uuid:{second['passport_id']}"
        assert subject["parentPassport"] == f"urn:uuid:{passport['passport_id']}"
        assert subject["product"]["batchNumber"] == "DL 02"
        assert subject["availableQuantity"] == {"value": 12.5, "unit": "MTR"}
        assert schema_errors(lot_vc) == []
        context = (await client.get("/api/contexts/fabricloop-dpp-v1.jsonld")).json()
        extra = {"http://testserver/api/contexts/fabricloop-dpp-v1.jsonld": context}
        assert expansion_problems(lot_vc, extra) == []

        resolved = await client.get(
            f"/01/{GTIN14}/10/DL%2002", headers={"Accept": "application/ld+json"}
        )
        assert resolved.status_code == 200
        assert resolved.json() == lot_vc
        page = await client.get(f"/01/{GTIN14}/10/DL-01%2FA", headers={"Accept": BROWSER})
        assert page.status_code == 200
        assert "DL-01/A" in page.text
        linkset = await client.get(f"/01/{GTIN14}/10/DL%2002", params={"linkType": "linkset"})
        assert linkset.json()["linkset"][0]["anchor"] == f"http://testserver/01/{GTIN14}/10/DL%2002"

        signed = await client.get(
            f"/api/passports/{material.id}/credential.jwt", params={"lot": "DL-01/A"}
        )
        assert signed.status_code == 200

    async def test_unknown_lot_is_404(self, client: AsyncClient, session: AsyncSession) -> None:
        material = await make_material(session, await make_user(session), gtin=GTIN13)
        await make_lots(session, material, ("A", Decimal(1)))
        for response in (
            await client.get(f"/api/passports/{material.id}/untp.json", params={"lot": "B"}),
            await client.get(f"/api/passports/{material.id}/credential.jwt", params={"lot": "a"}),
            await client.get(f"/01/{GTIN14}/10/B"),
        ):
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        too_long = await client.get(
            f"/api/passports/{material.id}/untp.json", params={"lot": "x" * 65}
        )
        assert too_long.status_code in (400, 422)
