"""Password hashing. bcrypt reads at most 72 bytes, so every password is first reduced to a
fixed-length SHA-256 digest: long passwords neither fail nor collide on their first 72 bytes."""

import base64
import hashlib
import re
from functools import lru_cache

import bcrypt

MIN_LENGTH = 8
MAX_LENGTH = 128


def password_problem(password: str) -> str | None:
    """Why `password` is too weak, or None if it meets the policy."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"Must be {MIN_LENGTH}-{MAX_LENGTH} characters."
    if not re.search(r"[A-Z]", password):
        return "Must contain an upper-case letter."
    if not re.search(r"[a-z]", password):
        return "Must contain a lower-case letter."
    if not re.search(r"[0-9]", password):
        return "Must contain a digit."
    return None


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str, rounds: int) -> str:
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))
    except ValueError:
        return False


@lru_cache
def dummy_hash(rounds: int) -> str:
    """A hash to check unknown emails against, so they take as long as a wrong password."""
    return hash_password("unknown-account-Password1", rounds)
