"""The marketplace's passport signing key and the VC-JOSE enveloped credential (a JWS compact
serialisation, ES256, `typ: vc+jwt`, whose payload is the credential itself).

The key is a private EC P-256 JWK from PASSPORT_SIGNING_KEY (required in production); in
development and tests one is generated once into var/passport_signing_key.jwk. Public keys of
retired signing keys (PASSPORT_RETIRED_KEYS, a JSON list of JWKs) stay in the DID document so
that credentials signed before a rotation still verify (docs/untp.md, "Key rotation")."""

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from joserfc import jws
from joserfc.jwk import ECKey

from fabricloop.config import Settings

ALGORITHM = "ES256"
CURVE = "P-256"
MEDIA_TYPE = "application/vc+jwt"
DEV_KEY_FILE = "passport_signing_key.jwk"


class SigningKeyError(ValueError):
    """PASSPORT_SIGNING_KEY or PASSPORT_RETIRED_KEYS is not usable."""


@dataclass(frozen=True)
class SigningKeys:
    current: ECKey
    retired: tuple[ECKey, ...]

    @property
    def kid(self) -> str:
        """The current key's id: its RFC 7638 thumbprint."""
        return str(self.current.thumbprint())

    def public_keys(self) -> list[ECKey]:
        return [self.current, *self.retired]


def _ec_key(value: Any, *, private: bool, name: str) -> ECKey:
    if not isinstance(value, dict) or value.get("kty") != "EC" or value.get("crv") != CURVE:
        raise SigningKeyError(f"{name} must be an EC {CURVE} JWK (ES256)")
    if private and "d" not in value:
        raise SigningKeyError(f"{name} must be a private key (with 'd')")
    public = {k: value[k] for k in ("kty", "crv", "x", "y") if k in value}
    try:
        return ECKey.import_key(value if private else public)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(f"{name} is not a valid JWK: {error}") from error


def _parse(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SigningKeyError(f"{name} is not JSON: {error.msg}") from error


def _development_key(var_dir: Path) -> str:
    """A key made once per checkout, so development credentials keep verifying."""
    path = var_dir / DEV_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8")
    var_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(ECKey.generate_key(CURVE, private=True).as_dict(private=True))
    # O_EXCL: two processes starting together keep one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return text


@lru_cache(maxsize=8)
def _load(signing_key: str, retired_keys: str) -> SigningKeys:
    current = _ec_key(
        _parse(signing_key, "PASSPORT_SIGNING_KEY"), private=True, name="PASSPORT_SIGNING_KEY"
    )
    retired = _parse(retired_keys, "PASSPORT_RETIRED_KEYS") if retired_keys else []
    if not isinstance(retired, list):
        raise SigningKeyError("PASSPORT_RETIRED_KEYS must be a JSON list of public JWKs")
    return SigningKeys(
        current=current,
        retired=tuple(
            _ec_key(item, private=False, name="PASSPORT_RETIRED_KEYS") for item in retired
        ),
    )


def signing_keys(settings: Settings) -> SigningKeys:
    """The configured keys (production requires them; elsewhere generated once in var/)."""
    text = settings.passport_signing_key or _development_key(settings.var_dir)
    return _load(text, settings.passport_retired_keys or "")


def sign(credential: dict[str, Any], keys: SigningKeys, key_id: str) -> str:
    """The VC-JOSE enveloped form of `credential`: header alg, kid (the DID URL of the
    verification method), typ `vc+jwt`, cty `vc`; the payload is the credential as JSON."""
    header = {"alg": ALGORITHM, "kid": key_id, "typ": "vc+jwt", "cty": "vc"}
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, payload, keys.current, algorithms=[ALGORITHM])
