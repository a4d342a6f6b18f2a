from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.models import utcnow
from trainer.extensions import db


class AuditEvent(db.Model):
    """One link of the append-only, hash-chained audit log."""

    __tablename__ = "audit_events"

    #: position in the chain, 1-based, gap-free
    seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False)
    #: hex SHA-256 of the previous event (64 zeros for the first)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: hex SHA-256(prev_hash bytes || RFC 8785 canonical JSON of this event)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True, index=True)
    #: the actor's e-mail at the time, so the chain reads without the users table
    actor: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    #: what the event is about, as "<kind>:<id>"
    subject: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programs.id"), nullable=True, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False, default=dict)

    __table_args__ = (sa.CheckConstraint("seq >= 1", name="seq_positive"),)

    def canonical_fields(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "created_at": format_time(self.created_at),
            "actor_id": self.actor_id,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "program_id": self.program_id,
            "payload": self.payload,
        }


def format_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
