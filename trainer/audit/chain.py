"""The hash of an audit event, computable in any language from the documented fields.

``hash = SHA-256(bytes.fromhex(prev_hash) || RFC 8785 JSON of the event's fields)``; the first
event's ``prev_hash`` is 64 zeros. docs/audit.md describes the fields and gives a worked example.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import rfc8785

GENESIS_HASH = "0" * 64


def canonical_json(fields: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes of a JSON value."""
    return rfc8785.dumps(fields)


def format_time(moment: datetime) -> str:
    """An event time as hashed: UTC, microseconds, ``Z`` (e.g. 2026-11-25T16:06:25.323419Z)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_fields_of(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    subject: str,
    program_id: int | None,
    payload: Any,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "created_at": format_time(created_at),
        "actor_id": actor_id,
        "actor": actor,
        "action": action,
        "subject": subject,
        "program_id": program_id,
        "payload": payload,
    }


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_json(fields)).hexdigest()
