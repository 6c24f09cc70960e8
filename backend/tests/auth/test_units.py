"""The auth utilities on their own: hashing, tokens, email normalisation."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from fabricloop.auth import tokens
from fabricloop.auth.emails import normalise_email
from fabricloop.auth.passwords import (
    dummy_hash,
    hash_password,
    password_problem,
    verify_password,
)

SECRET = "unit-secret-" + "z" * 40


class TestPasswords:
    @pytest.mark.parametrize(
        ("password", "problem"),
        [
            ("Short1a", "Must be 8-128 characters."),
            ("A1" + "a" * 127, "Must be 8-128 characters."),
            ("lowercase1", "Must contain an upper-case letter."),
            ("UPPERCASE1", "Must contain a lower-case letter."),
            ("NoDigitsAtAll", "Must contain a digit."),
            ("Good3nough", None),
        ],
    )
    def test_policy(self, password: str, problem: str | None) -> None:
        assert password_problem(password) == problem

    def test_hash_and_verify(self) -> None:
        hashed = hash_password("Good3nough", 12)
        assert hashed.startswith("$2b$12$")
        assert verify_password("Good3nough", hashed)
        assert not verify_password("Good3nougH", hashed)

    def test_long_passwords_do_not_collide_on_72_bytes(self) -> None:
        base = "Aa1" + "x" * 80
        hashed = hash_password(base + "1", 12)
        assert verify_password(base + "1", hashed)
        assert not verify_password(base + "2", hashed)

    def test_malformed_stored_hash_is_a_mismatch(self) -> None:
        assert not verify_password("Good3nough", "not-a-bcrypt-hash")

    def test_dummy_hash_is_stable_and_matches_nothing_real(self) -> None:
        assert dummy_hash(12) == dummy_hash(12)
        assert not verify_password("Good3nough", dummy_hash(12))


class TestEmails:
    @pytest.mark.parametrize(
        ("raw", "normalised"),
        [
            ("Foo@X.com", "foo@x.com"),
            ("  spaced@example.org ", "spaced@example.org"),
            ("ünï@exämple.de", "ünï@exämple.de"),
            ("", None),
            ("nope", None),
            ("a@b", None),
            ("x" * 250 + "@example.com", None),
        ],
    )
    def test_normalise(self, raw: str, normalised: str | None) -> None:
        assert normalise_email(raw) == normalised


class TestTokens:
    def test_round_trip(self) -> None:
        user_id, family = uuid.uuid4(), uuid.uuid4()
        token, claims = tokens.issue(SECRET, user_id, "refresh", 60, family_id=family)
        decoded = tokens.decode(SECRET, token, "refresh")
        assert decoded == claims
        assert decoded.family_id == family
        assert decoded.expires_at - decoded.issued_at == timedelta(seconds=60)

    def test_access_tokens_have_no_family(self) -> None:
        token, _ = tokens.issue(SECRET, uuid.uuid4(), "access", 60)
        assert tokens.decode(SECRET, token, "access").family_id is None

    def test_wrong_type(self) -> None:
        token, _ = tokens.issue(SECRET, uuid.uuid4(), "access", 60)
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(SECRET, token, "refresh")

    def test_expired(self) -> None:
        past = datetime.now(UTC) - timedelta(hours=2)
        token, _ = tokens.issue(SECRET, uuid.uuid4(), "access", 60, now=past)
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(SECRET, token, "access")

    @pytest.mark.parametrize(
        "claims",
        [
            {"jti": str(uuid.uuid4()), "type": "access"},  # no sub
            {"sub": "not-a-uuid", "jti": str(uuid.uuid4()), "type": "access"},
            {"sub": str(uuid.uuid4()), "jti": "x", "type": "access"},
            {"sub": str(uuid.uuid4()), "jti": str(uuid.uuid4())},  # no type
        ],
    )
    def test_malformed_claims(self, claims: dict[str, object]) -> None:
        now = datetime.now(UTC)
        token = jwt.encode(
            {**claims, "iat": now, "exp": now + timedelta(minutes=5)}, SECRET, algorithm="HS256"
        )
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(SECRET, token, "access")

    def test_none_algorithm_and_other_keys(self) -> None:
        now = datetime.now(UTC)
        claims = {
            "sub": str(uuid.uuid4()),
            "jti": str(uuid.uuid4()),
            "type": "access",
            "iat": now,
            "exp": now + timedelta(minutes=5),
        }
        for token in (
            jwt.encode(claims, "", algorithm="none"),
            jwt.encode(claims, "other-" + "k" * 40, algorithm="HS256"),
            jwt.encode(claims, SECRET + "x" * 30, algorithm="HS384"),
        ):
            with pytest.raises(tokens.InvalidToken):
                tokens.decode(SECRET, token, "access")

    def test_unknown_type(self) -> None:
        now = datetime.now(UTC)
        claims = {"sub": str(uuid.uuid4()), "jti": str(uuid.uuid4()), "type": "other"}
        token = jwt.encode(
            {**claims, "iat": now, "exp": now + timedelta(minutes=5)}, SECRET, algorithm="HS256"
        )
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(SECRET, token, "access")

    def test_a_token_checked_before_is_refused_once_expired(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        token, claims = tokens.issue(SECRET, uuid.uuid4(), "access", 60)
        assert tokens.decode(SECRET, token, "access") == claims
        later = claims.expires_at.timestamp()
        monkeypatch.setattr(tokens, "_clock", lambda: later)
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(SECRET, token, "access")
        monkeypatch.setattr(tokens, "_clock", lambda: later - 1)
        # Checked afresh (the signature again): still valid a second before.
        assert tokens.decode(SECRET, token, "access") == claims

    def test_a_token_checked_before_keeps_its_type_and_secret(self) -> None:
        token, claims = tokens.issue(SECRET, uuid.uuid4(), "access", 60)
        assert tokens.decode(SECRET, token, "access") == claims
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(SECRET, token, "refresh")
        with pytest.raises(tokens.InvalidToken):
            tokens.decode("other-" + "k" * 40, token, "access")

    def test_the_checked_tokens_are_bounded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(tokens, "VERIFIED_LIMIT", 2)
        issued = [tokens.issue(SECRET, uuid.uuid4(), "access", 60) for _ in range(5)]
        for token, claims in issued:
            assert tokens.decode(SECRET, token, "access") == claims
            assert len(tokens._verified) <= 2

    @pytest.mark.parametrize(
        "header",
        [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer not.a.token"],
    )
    def test_bearer_subject_without_a_valid_access_token(self, header: str | None) -> None:
        assert tokens.bearer_subject(SECRET, header) is None

    def test_bearer_subject_refuses_refresh_tokens(self) -> None:
        token, _ = tokens.issue(SECRET, uuid.uuid4(), "refresh", 60)
        assert tokens.bearer_subject(SECRET, f"Bearer {token}") is None

    def test_bearer_subject_names_the_user(self) -> None:
        user_id = uuid.uuid4()
        token, _ = tokens.issue(SECRET, user_id, "access", 60)
        assert tokens.bearer_subject(SECRET, f"bearer  {token} ") == str(user_id)
