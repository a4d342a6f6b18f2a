"""The audit chain and its signed checkpoints. Both tables are append-only: the database
refuses UPDATE, DELETE and TRUNCATE on them (triggers created by the migrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from trainer.core.extensions import db
from trainer.core.models import utcnow

from .chain import canonical_fields_of, canonical_json, format_time

__all__ = ["AuditEvent", "CanonicalJSON", "Checkpoint", "format_time"]

#: sequence numbers: BIGINT on PostgreSQL, INTEGER (the rowid) on SQLite
SEQ_TYPE = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class CanonicalJSON(TypeDecorator):
    """A JSON column whose stored text is the RFC 8785 form of the value.

    The stored text is then exactly what the event's hash covers, so verification can hash it
    without parsing and re-serialising it (see trainer.audit.verify). PostgreSQL's ``json``
    type and SQLite's text keep the text as given; reading returns the parsed value.
    """

    impl = sa.JSON
    cache_ok = True

    def bind_processor(self, dialect):
        def process(value: Any) -> str | None:
            return None if value is None else canonical_json(value).decode()

        return process


class AuditEvent(db.Model):
    """One link of the append-only, hash-chained audit log."""

    __tablename__ = "audit_events"

    #: position in the chain, 1-based, gap-free
    seq: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=False)
    #: hex SHA-256 of the previous event (64 zeros for the first)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: hex SHA-256(prev_hash bytes || RFC 8785 canonical JSON of this event)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), nullable=True, index=True
    )
    #: the actor's e-mail at the time, so the chain reads without the users table
    actor: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    #: what the event is about, as "<kind>:<id>"
    subject: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    program_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=True, index=True
    )
    #: stored as RFC 8785 text, the exact bytes the hash covers
    payload: Mapped[dict[str, Any]] = mapped_column(
        CanonicalJSON, nullable=False, default=dict
    )

    __table_args__ = (
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        # the reviewer's page: one program's events, newest first
        sa.Index("ix_audit_events_program_seq", "program_id", "seq"),
    )

    def canonical_fields(self) -> dict[str, Any]:
        return canonical_fields_of(
            seq=self.seq,
            created_at=self.created_at,
            actor_id=self.actor_id,
            actor=self.actor,
            action=self.action,
            subject=self.subject,
            program_id=self.program_id,
            payload=self.payload,
        )


class Checkpoint(db.Model):
    """A signed statement of the chain head: "at ``signed_at`` the log's event ``seq`` had hash
    ``head_hash``". Whoever keeps one can later prove the log was only appended to."""

    __tablename__ = "checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the head event's sequence number and hash at signing time
    seq: Mapped[int] = mapped_column(SEQ_TYPE, nullable=False)
    head_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    #: hex SHA-256 of the raw 32-byte Ed25519 public key that signed it
    key_fingerprint: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: base64 of the 64-byte Ed25519 signature over the RFC 8785 JSON of the body
    signature: Mapped[str] = mapped_column(sa.String(88), nullable=False)
    #: why it was taken: "manual", "schedule" or "export"
    reason: Mapped[str] = mapped_column(sa.String(40), nullable=False)

    __table_args__ = (sa.CheckConstraint("seq >= 1", name="seq_positive"),)
