"""One-time form tokens: the same token submitted twice records once."""

from __future__ import annotations

import secrets


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)
