"""Appending to the audit chain. Every state change calls :func:`record` in its own
transaction, before the caller commits."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trainer.core.database import read_only
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .chain import GENESIS_HASH, canonical_json, event_hash
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
        sa.select(AuditEvent.seq, AuditEvent.hash)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
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
        # the value exactly as it will read back (e.g. 85.0 becomes 85), so that the object
        # returned here and the stored row hash the same
        payload=json.loads(canonical_json(payload or {})),
    )
    event.hash = event_hash(prev_hash, event.canonical_fields())
    db.session.add(event)
    db.session.flush()
    logger.info("Audit event %s %s recorded (seq %s)", action, subject, event.seq)
    return event


@contextmanager
def log_snapshot() -> Iterator[sa.Connection]:
    """A connection of its own, in a read-only transaction that sees one state of the log while
    writers go on appending (SQLite: a deferred transaction in WAL mode; PostgreSQL: a
    repeatable-read snapshot). For commands; a request verifies inside its own transaction."""
    with read_only(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            yield connection


@dataclass(frozen=True)
class EventFilters:
    #: the actor's e-mail, lower-case
    actor: str | None = None
    action: str | None = None
    #: events at or after ``since`` and before ``until`` (aware datetimes)
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    #: pass as ``before`` to get the next (older) page; None on the last page
    next_before: int | None


def program_events(
    program_id: int, filters: EventFilters, *, before: int | None, size: int
) -> EventPage:
    """One page of a program's events, newest first, by keyset pagination on seq (one query,
    whatever the page: no OFFSET)."""
    query = sa.select(AuditEvent).where(AuditEvent.program_id == program_id)
    if filters.actor:
        query = query.where(AuditEvent.actor == filters.actor)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.since:
        query = query.where(AuditEvent.created_at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.created_at < filters.until)
    if before:
        query = query.where(AuditEvent.seq < before)
    events = list(
        db.session.scalars(query.order_by(AuditEvent.seq.desc()).limit(size + 1))
    )
    if len(events) > size:
        return EventPage(events[:size], events[size - 1].seq)
    return EventPage(events, None)
