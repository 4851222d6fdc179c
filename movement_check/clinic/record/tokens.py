"""The secrets the record hands out (a therapist's sign-in, a patient's home-exercise link): only their SHA-256
is kept, so a copy of the record signs no one in and opens no link."""

from __future__ import annotations

import hashlib


def hashed(token: str) -> str:
    """What the record keeps of a secret: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()
