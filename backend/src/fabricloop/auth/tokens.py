"""JWTs: HS256 only, with exp, iat, jti and type always required."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]


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
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "jti", "sub", "type"]},
        )
        if payload["type"] != expected_type:
            raise InvalidToken("wrong token type")
        family = payload.get("fam")
        return TokenClaims(
            user_id=uuid.UUID(payload["sub"]),
            jti=uuid.UUID(payload["jti"]),
            type=expected_type,
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
