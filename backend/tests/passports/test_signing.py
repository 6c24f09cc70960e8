"""Signed passports: the VC-JOSE credential verifies with an independent library (PyJWT) and
the key the DID document publishes; a tampered payload or another key fails."""

import base64
import json
import stat
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from httpx import AsyncClient
from joserfc.jwk import ECKey
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.config import Settings
from fabricloop.passports.did import did_web
from fabricloop.passports.service import did_document_of
from fabricloop.passports.signing import DEV_KEY_FILE, SigningKeyError, _load, sign, signing_keys
from tests.factories import auth_headers, make_material, make_user


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_jwk() -> str:
    return json.dumps(ECKey.generate_key("P-256", private=True).as_dict(private=True))


def verify(token: str, did_document: dict[str, Any]) -> dict[str, Any]:
    """Verify as a relying party would: the header's kid names a verification method of the
    issuer's DID document; PyJWT checks the ES256 signature with that method's JWK."""
    header = jwt.get_unverified_header(token)
    [method] = [m for m in did_document["verificationMethod"] if m["id"] == header["kid"]]
    key = jwt.PyJWK(method["publicKeyJwk"])
    decoded = jwt.api_jws.decode_complete(token, key.key, algorithms=["ES256"])
    payload: dict[str, Any] = json.loads(decoded["payload"])
    return payload


class TestDidDocument:
    async def test_publishes_the_public_key(self, client: AsyncClient) -> None:
        response = await client.get("/.well-known/did.json")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/did+ld+json")
        document = response.json()
        assert document["id"] == "did:web:testserver"
        [method] = document["verificationMethod"]
        assert method["id"].startswith("did:web:testserver#")
        assert method["controller"] == "did:web:testserver"
        assert method["type"] == "JsonWebKey2020"
        assert method["publicKeyJwk"]["kty"] == "EC"
        assert method["publicKeyJwk"]["crv"] == "P-256"
        assert "d" not in method["publicKeyJwk"]  # never the private part
        assert document["assertionMethod"] == [method["id"]]

    def test_did_web_of_hosts_ports_and_paths(self) -> None:
        assert did_web("https://fabricloop.example") == "did:web:fabricloop.example"
        assert did_web("http://127.0.0.1:8000/") == "did:web:127.0.0.1%3A8000"
        assert did_web("https://x.example/shop/eu") == "did:web:x.example:shop:eu"

    def test_rotation_keeps_the_retired_keys(self) -> None:
        old = _load(new_jwk(), "")
        retired = json.dumps([old.current.as_dict(private=False)])
        new = _load(new_jwk(), retired)
        document = did_document_of("https://fabricloop.example", new)
        kids = [m["id"].split("#")[1] for m in document["verificationMethod"]]
        assert kids == [new.kid, old.kid]
        assert document["authentication"] == [f"did:web:fabricloop.example#{new.kid}"]
        # A credential signed before the rotation still verifies against the new document.
        token = sign({"id": "urn:x"}, old, f"did:web:fabricloop.example#{old.kid}")
        assert verify(token, document) == {"id": "urn:x"}


class TestCredentialJwt:
    async def test_verifies_with_the_did_documents_key(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session, company_name="Fiação «Ü» Lda")
        material = await make_material(session, seller)
        response = await client.get(f"/api/passports/{material.id}/credential.jwt")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/vc+jwt"
        token = response.text
        header = jwt.get_unverified_header(token)
        assert header["alg"] == "ES256"
        assert header["typ"] == "vc+jwt"
        assert header["cty"] == "vc"
        document = (await client.get("/.well-known/did.json")).json()
        payload = verify(token, document)
        unsigned = (await client.get(f"/api/passports/{material.id}/untp.json")).json()
        assert payload == unsigned
        assert payload["issuer"]["id"] == document["id"]

    async def test_tampered_payload_fails(self, client: AsyncClient, session: AsyncSession) -> None:
        material = await make_material(session, await make_user(session))
        token = (await client.get(f"/api/passports/{material.id}/credential.jwt")).text
        document = (await client.get("/.well-known/did.json")).json()
        head, payload, signature = token.split(".")
        credential = json.loads(unb64(payload))
        credential["credentialSubject"]["circularityScorecard"] = {"recycledContent": 1}
        forged = ".".join([head, b64(json.dumps(credential).encode()), signature])
        with pytest.raises(jwt.InvalidSignatureError):
            verify(forged, document)

    async def test_another_key_fails(self, client: AsyncClient, session: AsyncSession) -> None:
        material = await make_material(session, await make_user(session))
        document = (await client.get("/.well-known/did.json")).json()
        kid = document["verificationMethod"][0]["id"]
        unsigned = (await client.get(f"/api/passports/{material.id}/untp.json")).json()
        impostor = sign(unsigned, _load(new_jwk(), ""), kid)
        with pytest.raises(jwt.InvalidSignatureError):
            verify(impostor, document)

    async def test_draft_and_unknown_are_404(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        seller = await make_user(session)
        draft = await make_material(session, seller, status="draft")
        for material_id in (draft.id, uuid.uuid4()):
            response = await client.get(f"/api/passports/{material_id}/credential.jwt")
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        owner = await client.get(
            f"/api/passports/{draft.id}/credential.jwt", headers=auth_headers(seller)
        )
        assert owner.status_code == 200

    async def test_not_a_uuid_is_a_clear_4xx(self, client: AsyncClient) -> None:
        for bad in ("' OR 1=1 --", "%00", "x" * 300):
            response = await client.get(f"/api/passports/{bad}/credential.jwt")
            assert response.status_code in (404, 422)
            assert response.json()["error"]["code"] in ("not_found", "validation_error")


class TestKeys:
    def test_development_key_made_once_private_to_the_owner(self, tmp_path: Path) -> None:
        settings = Settings(_env_file=None, var_dir=tmp_path, jwt_secret="x" * 40)
        first = signing_keys(settings)
        stored = tmp_path / DEV_KEY_FILE
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert signing_keys(settings).kid == first.kid
        other = Settings(_env_file=None, var_dir=tmp_path / "b", jwt_secret="x" * 40)
        assert signing_keys(other).kid != first.kid

    def test_configured_key_is_used_and_nothing_written(self, tmp_path: Path) -> None:
        text = new_jwk()
        settings = Settings(
            _env_file=None, var_dir=tmp_path, jwt_secret="x" * 40, passport_signing_key=text
        )
        assert signing_keys(settings).kid == ECKey.import_key(json.loads(text)).thumbprint()
        assert not (tmp_path / DEV_KEY_FILE).exists()

    @pytest.mark.parametrize(
        ("key", "retired", "message"),
        [
            ("not json", "", "not JSON"),
            ('{"kty": "RSA"}', "", "EC P-256"),
            ('{"kty": "EC", "crv": "P-384", "d": "x"}', "", "EC P-256"),
            (None, "", "private key"),
            ("NEW", '{"kty": "EC"}', "JSON list"),
            ("NEW", '[{"kty": "OKP", "crv": "Ed25519"}]', "EC P-256"),
        ],
    )
    def test_unusable_keys_are_refused(self, key: str | None, retired: str, message: str) -> None:
        good = json.loads(new_jwk())
        if key is None:
            key = json.dumps({k: v for k, v in good.items() if k != "d"})
        elif key == "NEW":
            key = json.dumps(good)
        with pytest.raises(SigningKeyError, match=message):
            _load(key, retired)
