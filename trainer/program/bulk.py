"""Bulk writes for synthetic data: multi-row inserts, and audit events appended in memory onto
the chain head (in order, under the chain lock the caller holds) so ``audit verify`` passes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from trainer.audit.chain import canonical_fields_of, canonical_json, event_hash
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db

#: rows per multi-row insert
BATCH = 2000


@dataclass
class Chain:
    """Audit events appended in memory onto the chain head, then inserted in batches."""

    seq: int
    head: str
    now: datetime
    rows: list[dict[str, Any]] = field(default_factory=list)

    def append(
        self,
        action: str,
        *,
        actor: tuple[int, str] | None,
        subject: str,
        payload: dict[str, Any],
        program_id: int,
    ) -> None:
        self.seq += 1
        fields = canonical_fields_of(
            seq=self.seq,
            created_at=self.now,
            actor_id=actor[0] if actor else None,
            actor=actor[1] if actor else "",
            action=action,
            subject=subject,
            program_id=program_id,
            payload=json.loads(canonical_json(payload)),
        )
        digest = event_hash(self.head, fields)
        self.rows.append(
            {
                "seq": self.seq,
                "prev_hash": self.head,
                "hash": digest,
                "created_at": self.now,
                "actor_id": fields["actor_id"],
                "actor": fields["actor"],
                "action": action,
                "subject": subject,
                "program_id": program_id,
                "payload": fields["payload"],
            }
        )
        self.head = digest

    def flush(self) -> None:
        insert_rows(AuditEvent.__table__, self.rows)
        self.rows = []


def insert_rows(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start : start + BATCH])


def insert_returning_ids(table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        result = db.session.execute(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True),
            rows[start : start + BATCH],
        )
        ids += [row.id for row in result]
    return ids


def table_named(name: str) -> sa.Table:
    return db.metadata.tables[name]
