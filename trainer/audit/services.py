"""Appending to the audit chain. Every state change calls :func:`record` in its own
transaction, before the caller commits."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trainer.core.models import utcnow
from trainer.extensions import db

from .chain import GENESIS_HASH, event_hash
from .models import AuditEvent

if TYPE_CHECKING:
    from trainer.auth.models import User

logger = logging.getLogger(__name__)

#: key of the PostgreSQL transaction-level advisory lock that serialises appends
CHAIN_LOCK_KEY = 0x45425452  # "EBTR"


def lock_chain() -> None:
    """Serialise appends so that concurrent writers never fork the chain.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback.
    SQLite: write transactions begin IMMEDIATE (trainer.core.database), which already holds
    the database's single write lock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))


def chain_head() -> tuple[int, str]:
    row = db.session.execute(
        sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def record(
    action: str,
    *,
    actor: User | None = None,
    subject: str = "",
    payload: dict[str, Any] | None = None,
    program_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain (flushes; the caller commits with its change)."""
    lock_chain()
    seq, prev_hash = chain_head()
    if program_id is None and actor is not None:
        program_id = actor.program_id
    event = AuditEvent(
        seq=seq + 1,
        prev_hash=prev_hash,
        created_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor=actor.email if actor is not None else "",
        action=action,
        subject=subject,
        program_id=program_id,
        payload=payload or {},
    )
    event.hash = event_hash(prev_hash, event.canonical_fields())
    db.session.add(event)
    db.session.flush()
    logger.info("Audit event %s %s recorded (seq %s)", action, subject, event.seq)
    return event
