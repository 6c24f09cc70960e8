"""JWTs: HS256 only, with exp, iat, jti and type always required."""

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]
# Tokens whose signature and claims were checked, by (secret, token): a client sends the same
# access token with every request, and the rate limiter reads it before the route does, so
# PyJWT's checks (HMAC, base64, JSON, claim validation) ran twice per request for the same
# answer, costing more CPU than some requests' SQL. Only the expiry changes with time: it is
# checked at every use. Bounded as core.metrics bounds its users.
VERIFIED_LIMIT = 50_000
_verified: dict[tuple[str, str], tuple["TokenClaims", float]] = {}
_clock = time.time


@dataclass(frozen=True)
class TokenClaims:
    user_id: uuid.UUID
    jti: uuid.UUID
    type: TokenType
    issued_at: datetime
    expires_at: datetime
    family_id: uuid.UUID | None = None


class InvalidToken(Exception):
    pass


def issue(
    secret: str,
    user_id: uuid.UUID,
    token_type: TokenType,
    ttl_seconds: int,
    *,
    jti: uuid.UUID | None = None,
    family_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[str, TokenClaims]:
    issued_at = (now or datetime.now(UTC)).replace(microsecond=0)
    claims = TokenClaims(
        user_id=user_id,
        jti=jti or uuid.uuid4(),
        type=token_type,
        issued_at=issued_at,
        expires_at=issued_at + timedelta(seconds=ttl_seconds),
        family_id=family_id,
    )
    payload: dict[str, object] = {
        "sub": str(user_id),
        "jti": str(claims.jti),
        "type": token_type,
        "iat": issued_at,
        "exp": claims.expires_at,
    }
    if family_id is not None:
        payload["fam"] = str(family_id)
    return jwt.encode(payload, secret, algorithm=ALGORITHM), claims


def decode(secret: str, token: str, expected_type: TokenType) -> TokenClaims:
    known = _verified.get((secret, token))
    if known is None:
        claims = _decode(secret, token)
        known = claims, claims.expires_at.timestamp()
        if len(_verified) >= VERIFIED_LIMIT:
            _verified.clear()
        _verified[(secret, token)] = known
    claims, expires = known
    # PyJWT's rule (no leeway): expired from the second `exp` names.
    if _clock() >= expires:
        _verified.pop((secret, token), None)
        raise InvalidToken("Signature has expired")
    if claims.type != expected_type:
        raise InvalidToken("wrong token type")
    return claims


def _decode(secret: str, token: str) -> TokenClaims:
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "jti", "sub", "type"]},
        )
        token_type = payload["type"]
        if token_type not in ("access", "refresh"):
            raise InvalidToken("unknown token type")
        family = payload.get("fam")
        return TokenClaims(
            user_id=uuid.UUID(payload["sub"]),
            jti=uuid.UUID(payload["jti"]),
            type=token_type,
            issued_at=datetime.fromtimestamp(payload["iat"], UTC),
            expires_at=datetime.fromtimestamp(payload["exp"], UTC),
            family_id=uuid.UUID(family) if family else None,
        )
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as error:
        raise InvalidToken(str(error)) from error


def bearer_subject(secret: str, authorization: str | None) -> str | None:
    """The user id an `Authorization: Bearer` access token is signed for, or None (no header,
    another scheme, a bad signature, an expired or refresh token). Only the signature and expiry
    are checked, not whether the login still lives: enough to choose a rate-limit bucket."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return str(decode(secret, token.strip(), "access").user_id)
    except InvalidToken:
        return None
