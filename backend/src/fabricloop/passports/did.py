"""The marketplace's decentralised identifier: `did:web` derived from PUBLIC_BASE_URL."""

from typing import Any
from urllib.parse import quote, urlsplit


def did_web(base_url: str) -> str:
    """`did:web:{host}` (a port percent-encoded, a path as further `:` segments), per the
    did:web method: https://example.com:8443/x -> did:web:example.com%3A8443:x."""
    parts = urlsplit(base_url)
    host = parts.hostname or "localhost"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(s, safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def verification_method_id(base_url: str, kid: str) -> str:
    return f"{did_web(base_url)}#{kid}"


def did_document(base_url: str, public_jwks: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The DID document of the marketplace: one JsonWebKey2020 verification method per key
    (`kid`, public JWK), the current one first, all usable to verify passports."""
    did = did_web(base_url)
    methods = [
        {
            "id": f"{did}#{kid}",
            "type": "JsonWebKey2020",
            "controller": did,
            "publicKeyJwk": {**jwk, "kid": kid, "alg": "ES256", "use": "sig"},
        }
        for kid, jwk in public_jwks
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids[:1],
    }
