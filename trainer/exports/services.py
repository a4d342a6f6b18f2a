"""Building an export: take a signed checkpoint, write the report files while streaming the
cohort, seal the bundle (manifest, signature, public key) and record the export in the audit
log with the manifest's hash. Flushes; the caller commits."""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import secrets
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from trainer.audit.chain import canonical_json
from trainer.audit.checkpoints import checkpoint_document, take_checkpoint
from trainer.audit.models import AuditEvent
from trainer.audit.services import record
from trainer.audit.signing import signing_key
from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.program.models import Cohort

from .bundle import MANIFEST_TYPE, file_entries, seal
from .contents import Scope, scope_for
from .formats import FORMATS, PAPERS, WRITERS, Stamp, scope_document
from .tables import text

EXPORT_ACTION = "export.created"


def software_version() -> str:
    try:
        return importlib.metadata.version("ebtr-trainer")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class BuildHooks:
    """How a background build keeps the database free while it writes files: ``commit``
    after the checkpoint and after the files (so neither the chain's lock nor SQLite's write
    lock is held for minutes), ``reading`` around the files, and ``progress`` per trainee.
    The defaults build in the caller's one transaction (the command line)."""

    commit: Callable[[], None] = _nothing
    reading: Callable[[], AbstractContextManager] = nullcontext
    progress: Callable[[int], None] | None = None


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    manifest: dict[str, Any]
    manifest_sha256: str
    files: list[str]


def build_export(
    cohort: Cohort,
    fmt: str,
    folder: Path,
    *,
    period_ids: Iterable[int] = (),
    actor: User | None = None,
    paper: str = "a4",
    trainee_id: int | None = None,
    via: str = "web",
    hooks: BuildHooks = BuildHooks(),
) -> ExportResult:
    """Write the signed bundle of ``cohort`` in ``fmt`` into the empty folder ``folder``.
    LookupError when a period is not the program's; ValueError for an unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    if paper not in PAPERS:
        raise ValueError(f"Unknown paper size {paper!r}: use a4 or letter.")
    scope = scope_for(cohort, period_ids, trainee_id=trainee_id)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty: give a new or empty folder.")
    checkpoint = take_checkpoint("export", actor=actor)
    key = signing_key()
    stamp = Stamp(
        export_id=secrets.token_hex(8),
        generated_at=text(utcnow()),
        checkpoint_seq=checkpoint.seq,
        checkpoint_hash=checkpoint.head_hash,
        key_fingerprint=key.fingerprint,
        paper=paper,
    )
    checkpoint_doc = checkpoint_document(checkpoint)
    hooks.commit()
    with hooks.reading():
        names = WRITERS[fmt](scope, folder, stamp, progress=hooks.progress)
    hooks.commit()
    filters = {
        "format": fmt,
        "periods": [p.id for p in scope.periods],
        "trainee": trainee_id,
        "paper": paper if fmt == "pdf" else None,
    }
    manifest = {
        "type": MANIFEST_TYPE,
        "export_id": stamp.export_id,
        "generated_at": stamp.generated_at,
        **scope_document(scope),
        "filters": filters,
        "software": {"name": "ebtr-trainer", "version": software_version()},
        "checkpoint": checkpoint_doc,
        "key_fingerprint": key.fingerprint,
        "files": file_entries(folder, names),
    }
    data = seal(folder, manifest, key)
    digest = hashlib.sha256(data).hexdigest()
    record(
        EXPORT_ACTION,
        actor=actor,
        subject=f"cohort:{cohort.id}",
        program_id=cohort.program_id,
        payload={
            "export_id": stamp.export_id,
            "cohort": cohort.id,
            "filters": filters,
            "files": len(names),
            "manifest_sha256": digest,
            "checkpoint_seq": checkpoint_doc["checkpoint"]["seq"],
            "via": via,
        },
    )
    return ExportResult(folder, manifest, digest, names)


def past_exports(program_id: int, *, limit: int = 50) -> list[AuditEvent]:
    """The program's exports, newest first, as the audit log recorded them (one query)."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(
                AuditEvent.program_id == program_id,
                AuditEvent.action.in_((EXPORT_ACTION, AUDIT_EXPORT_ACTION)),
            )
            .order_by(AuditEvent.seq.desc())
            .limit(limit)
        )
    )


AUDIT_EXPORT_ACTION = "export.audit_log"


def cohort_of_program(cohort_id: int, program_id: int | None) -> Cohort | None:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.program_id != program_id:
        return None
    return cohort


def scope_or_none(cohort: Cohort, period_ids: Iterable[int]) -> Scope | None:
    try:
        return scope_for(cohort, period_ids)
    except LookupError:
        return None


AUDIT_COLUMNS = (
    "seq",
    "created_at",
    "actor_id",
    "actor",
    "action",
    "subject",
    "program_id",
    "payload",
    "prev_hash",
    "hash",
)


def build_audit_export(
    program_id: int,
    folder: Path,
    *,
    since: datetime | None,
    until: datetime | None,
    actor: User | None = None,
) -> ExportResult:
    """The program's audit events from ``since`` (inclusive) to ``until`` (exclusive) as
    audit_events.csv (payload as its stored RFC 8785 JSON, so each hash can be recomputed),
    signed like a report export."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty: give a new or empty folder.")
    checkpoint = take_checkpoint("export", actor=actor)
    key = signing_key()
    generated_at = text(utcnow())
    export_id = secrets.token_hex(8)
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.program_id == program_id)
        .order_by(AuditEvent.seq)
    )
    if since is not None:
        query = query.where(AuditEvent.created_at >= since)
    if until is not None:
        query = query.where(AuditEvent.created_at < until)
    name = "audit_events.csv"
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(AUDIT_COLUMNS)
        for event in db.session.scalars(query.execution_options(yield_per=1000)):
            writer.writerow(
                [
                    event.seq,
                    text(event.created_at),
                    "" if event.actor_id is None else event.actor_id,
                    event.actor,
                    event.action,
                    event.subject,
                    "" if event.program_id is None else event.program_id,
                    canonical_json(event.payload).decode(),
                    event.prev_hash,
                    event.hash,
                ]
            )
    filters = {
        "kind": "audit-log",
        "since": text(since) if since else None,
        "until": text(until) if until else None,
    }
    manifest = {
        "type": MANIFEST_TYPE,
        "export_id": export_id,
        "generated_at": generated_at,
        "program": {"id": program_id},
        "filters": filters,
        "software": {"name": "ebtr-trainer", "version": software_version()},
        "checkpoint": checkpoint_document(checkpoint),
        "key_fingerprint": key.fingerprint,
        "files": file_entries(folder, [name]),
    }
    data = seal(folder, manifest, key)
    digest = hashlib.sha256(data).hexdigest()
    record(
        AUDIT_EXPORT_ACTION,
        actor=actor,
        subject=f"program:{program_id}",
        program_id=program_id,
        payload={
            "export_id": export_id,
            "filters": filters,
            "files": 1,
            "manifest_sha256": digest,
            "checkpoint_seq": checkpoint.seq,
        },
    )
    return ExportResult(folder, manifest, digest, [name])
