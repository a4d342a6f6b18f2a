"""Links that carry ``[id, nonce]`` signed with the app's secret (itsdangerous). A tampered
link fails the signature; the row decides whether it is still good (only a SHA-256 of the
nonce is stored, so the database alone cannot forge a link)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=salt)


def digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def new_nonce() -> tuple[str, str]:
    """A fresh nonce and its digest."""
    nonce = secrets.token_urlsafe(24)
    return nonce, digest(nonce)


def make_token(salt: str, row_id: int, nonce: str) -> str:
    return _serializer(salt).dumps([row_id, nonce])


def read_token(salt: str, token: str) -> tuple[int, str] | None:
    """(id, nonce) from a genuine token, else None (tampered, truncated, garbage)."""
    if not token or len(token) > 300:
        return None
    try:
        value = _serializer(salt).loads(token)
    except (BadData, ValueError, TypeError):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
        or not 0 < value[0] < 2**31
    ):
        return None
    return value[0], value[1]


def nonce_matches(nonce: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(nonce), stored_digest)
