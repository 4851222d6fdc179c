"""Therapists' passwords: salted PBKDF2-SHA256 hashes, compared in constant time.

The configuration holds only hashes (``movement-check hash-password`` makes
one); no password is built in, so a fresh install has no way in until a
clinic sets one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

SCHEME = "pbkdf2_sha256"
#: OWASP's 2023 guidance for PBKDF2-HMAC-SHA256
ITERATIONS = 600_000


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """``pbkdf2_sha256$iterations$salt$hash`` (salt and hash base64) for the configuration file."""
    if not password:
        raise ValueError("a password cannot be empty")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (a :func:`hash_password` string); False for a malformed one."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest)
        found = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def sign_in(therapists: dict[str, str], name: str, password: str) -> bool:
    """True when ``name`` is a configured therapist and ``password`` is theirs.

    An unknown name costs the same hashing work as a known one, so the time
    taken does not tell which therapist names exist.
    """
    stored = therapists.get(name.strip())
    if stored is None:
        verify_password(password, _stand_in())
        return False
    return verify_password(password, stored)


def password_tag(stored: str) -> str:
    """A short tag of a stored password hash (not of the password): a sign-in kept across reloads is made under
    one, and ends when the account's password hash changes."""
    return hashlib.sha256(stored.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _stand_in() -> str:
    """A hash to check an unknown name's password against: made once, so that an unknown name costs one
    PBKDF2 run, as a known one does (made each time, it cost two: 0.66 s against 0.27 s told names apart)."""
    return hash_password("not-a-password", salt=b"0" * 16)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
