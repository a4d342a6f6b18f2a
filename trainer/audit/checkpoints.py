"""Signed checkpoints of the audit chain, and the proof that a kept checkpoint is a prefix of
today's log.

A checkpoint document (what ``audit checkpoint --out`` writes and /audit offers for download):

    {"checkpoint": {"type": "ebtr-trainer/audit-checkpoint/v1", "seq": 1234,
                    "hash": "<hex SHA-256 of event 1234>", "time": "2026-11-25T16:00:00.000000Z",
                    "key_fingerprint": "<hex SHA-256 of the raw Ed25519 public key>"},
     "signature": "<base64 of the Ed25519 signature over the RFC 8785 JSON of checkpoint>",
     "signature_algorithm": "Ed25519", "signed_data": "..."}

Only ``checkpoint`` is signed; ``signature_algorithm`` and ``signed_data`` are explanations.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trainer.audit.parallel import verify_chain
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .chain import GENESIS_HASH, canonical_json, format_time
from .models import AuditEvent, Checkpoint
from .services import chain_head, lock_chain, record
from .signing import SigningKey, signing_key, verify_signature
from .verify import ChainReport, scan

if TYPE_CHECKING:
    from trainer.auth.models import User

logger = logging.getLogger(__name__)

CHECKPOINT_TYPE = "ebtr-trainer/audit-checkpoint/v1"
REASONS = ("manual", "schedule", "export")
#: a checkpoint document is a few hundred bytes; anything much larger is not one
MAX_DOCUMENT_BYTES = 16 * 1024
SIGNED_DATA = (
    "the RFC 8785 (JSON Canonicalization Scheme) serialisation of checkpoint, in UTF-8"
)

#: the largest integer RFC 8785 (I-JSON) can sign: 2**53 - 1
MAX_JSON_INTEGER = 2**53 - 1
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_BODY_KEYS = {"type", "seq", "hash", "time", "key_fingerprint"}


class CheckpointError(TrainerError):
    pass


class EmptyLog(CheckpointError):
    """There is no event to sign or to compare with."""

    status_code = 409


class ChainBroken(CheckpointError):
    """The log does not extend the previous checkpoint, so its head is not signed."""

    status_code = 409


class CheckpointInvalid(CheckpointError):
    """The document is not a well-formed checkpoint (truncated, not JSON, a field missing)."""

    status_code = 422


class CheckpointRejected(CheckpointError):
    """A well-formed checkpoint that does not verify: forged, signed by another key, or not a
    prefix of the log."""

    status_code = 422


@dataclass(frozen=True)
class SignedCheckpoint:
    """A parsed, well-formed (not yet verified) checkpoint document."""

    body: dict[str, Any]
    signature: bytes

    @property
    def seq(self) -> int:
        return self.body["seq"]

    @property
    def hash(self) -> str:
        return self.body["hash"]

    @property
    def time(self) -> str:
        return self.body["time"]

    @property
    def key_fingerprint(self) -> str:
        return self.body["key_fingerprint"]


def checkpoint_body(
    seq: int, head_hash: str, signed_at: datetime, key_fingerprint: str
) -> dict[str, Any]:
    return {
        "type": CHECKPOINT_TYPE,
        "seq": seq,
        "hash": head_hash,
        "time": format_time(signed_at),
        "key_fingerprint": key_fingerprint,
    }


def take_checkpoint(reason: str, *, actor: User | None = None) -> Checkpoint:
    """Sign the current head of the chain and store the checkpoint (flushes; the caller
    commits). Exports call it with reason "export"; the schedule with "schedule"."""
    if reason not in REASONS:
        raise ValueError(
            f"unknown checkpoint reason {reason!r}; use one of {', '.join(REASONS)}"
        )
    lock_chain()
    seq, head_hash = chain_head()
    if seq == 0:
        raise EmptyLog("The audit log is empty: there is no head to sign yet.")
    _check_extends_previous(seq)
    key = signing_key()
    signed_at = utcnow()
    body = checkpoint_body(seq, head_hash, signed_at, key.fingerprint)
    checkpoint = Checkpoint(
        seq=seq,
        head_hash=head_hash,
        signed_at=signed_at,
        key_fingerprint=key.fingerprint,
        signature=base64.b64encode(key.sign(canonical_json(body))).decode(),
        reason=reason,
    )
    db.session.add(checkpoint)
    db.session.flush()
    record(
        "audit.checkpoint_signed",
        actor=actor,
        subject=f"checkpoint:{checkpoint.id}",
        payload={
            "seq": seq,
            "hash": head_hash,
            "reason": reason,
            "key_fingerprint": key.fingerprint,
        },
    )
    logger.info("Checkpoint %s signed at event %s (%s)", checkpoint.id, seq, reason)
    return checkpoint


def _check_extends_previous(head_seq: int) -> None:
    """Never sign a head that does not extend the previous checkpoint: the event it signed
    must still have its hash, and the events since must verify (only those: the previous
    checkpoint's hash already commits to everything before it)."""
    previous = latest_checkpoint()
    after, prev_hash = (
        (previous.seq, previous.head_hash) if previous else (0, GENESIS_HASH)
    )
    if previous is not None:
        stored = db.session.scalar(
            sa.select(AuditEvent.hash).where(AuditEvent.seq == previous.seq)
        )
        if stored != previous.head_hash:
            raise ChainBroken(
                f"Not signing: event {previous.seq} no longer has the hash that checkpoint {previous.id} "
                f"signed ({previous.head_hash}); the log was rewritten."
            )
    span = scan(
        db.session.connection(), after=after, until=head_seq, prev_hash=prev_hash
    )
    if span.problem is not None:
        since = (
            f"since checkpoint {previous.id}" if previous else "from its first event"
        )
        raise ChainBroken(
            f"Not signing: the log does not verify {since}: {span.problem}."
        )


def latest_checkpoint() -> Checkpoint | None:
    return db.session.scalar(
        sa.select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)
    )


def checkpoint_document(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "checkpoint": checkpoint_body(
            checkpoint.seq,
            checkpoint.head_hash,
            checkpoint.signed_at,
            checkpoint.key_fingerprint,
        ),
        "signature": checkpoint.signature,
        "signature_algorithm": "Ed25519",
        "signed_data": SIGNED_DATA,
    }


def document_json(checkpoint: Checkpoint) -> str:
    return json.dumps(checkpoint_document(checkpoint), indent=2) + "\n"


def parse_document(data: bytes | str) -> SignedCheckpoint:
    """The checkpoint in ``data``, or CheckpointInvalid saying what is wrong with it."""
    if isinstance(data, str):
        data = data.encode()
    if not data.strip():
        raise CheckpointInvalid("The checkpoint is empty.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise CheckpointInvalid(
            f"This is not a checkpoint: it is over {MAX_DOCUMENT_BYTES // 1024} KiB."
        )
    try:
        document = json.loads(data)
    except UnicodeDecodeError:
        raise CheckpointInvalid("The checkpoint is not UTF-8 text.") from None
    except RecursionError:
        raise CheckpointInvalid(
            "This is not a checkpoint: it is nested far too deeply."
        ) from None
    except json.JSONDecodeError as error:
        raise CheckpointInvalid(
            f"The checkpoint is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "it may be truncated."
        ) from None
    except ValueError:  # a number of more than 4,300 digits
        raise CheckpointInvalid(
            "This is not a checkpoint: it holds a number far too long."
        ) from None
    if not isinstance(document, dict) or not isinstance(
        document.get("checkpoint"), dict
    ):
        raise CheckpointInvalid('The checkpoint has no "checkpoint" object.')
    body = document["checkpoint"]
    _check_body(body)
    return SignedCheckpoint(body=body, signature=_signature(document.get("signature")))


def _check_body(body: dict[str, Any]) -> None:
    if set(body) != _BODY_KEYS:
        missing, extra = sorted(_BODY_KEYS - set(body)), sorted(set(body) - _BODY_KEYS)
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unexpected {', '.join(extra)}"] if extra else []
        )
        raise CheckpointInvalid(
            f"The checkpoint's fields are wrong: {'; '.join(parts)}."
        )
    if body["type"] != CHECKPOINT_TYPE:
        raise CheckpointInvalid(
            f'The checkpoint\'s type is {body["type"]!r}, not "{CHECKPOINT_TYPE}".'
        )
    seq = body["seq"]
    if (
        not isinstance(seq, int)
        or isinstance(seq, bool)
        or not 1 <= seq <= MAX_JSON_INTEGER
    ):
        raise CheckpointInvalid(
            f"The checkpoint's seq must be a whole number from 1 to {MAX_JSON_INTEGER}."
        )
    for name in ("hash", "key_fingerprint"):
        if not isinstance(body[name], str) or not _HEX64.fullmatch(body[name]):
            raise CheckpointInvalid(
                f"The checkpoint's {name} must be 64 lower-case hexadecimal digits."
            )
    if not isinstance(body["time"], str) or not _TIME.fullmatch(body["time"]):
        raise CheckpointInvalid(
            "The checkpoint's time must look like 2026-11-25T16:00:00.000000Z."
        )


def _signature(value: Any) -> bytes:
    if not isinstance(value, str):
        raise CheckpointInvalid('The checkpoint has no "signature" text.')
    try:
        signature = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointInvalid("The checkpoint's signature is not base64.") from None
    if len(signature) != 64:
        raise CheckpointInvalid(
            f"The checkpoint's signature is {len(signature)} bytes long; an Ed25519 signature has 64."
        )
    return signature


def check_signature(
    checkpoint: SignedCheckpoint, key: SigningKey | None = None
) -> None:
    """CheckpointRejected unless ``checkpoint`` was signed by the platform's key."""
    key = key or signing_key()
    if checkpoint.key_fingerprint != key.fingerprint:
        raise CheckpointRejected(
            f"The checkpoint names the signing key {checkpoint.key_fingerprint}, not this platform's "
            f"key {key.fingerprint}: it was signed by another key."
        )
    if not verify_signature(
        key.public_key, checkpoint.signature, canonical_json(checkpoint.body)
    ):
        raise CheckpointRejected(
            "The signature does not match the checkpoint: the checkpoint was altered or forged."
        )


def check_prefix(
    connection: sa.Connection, checkpoint: SignedCheckpoint, *, jobs: int = 1
) -> ChainReport:
    """The log at ``checkpoint`` is a prefix of today's log: the chain verifies from the first
    event to the head, and the checkpoint's event is in it with the signed hash. Returns the
    chain report, or raises CheckpointRejected saying which condition fails."""
    report = verify_chain(connection, jobs=jobs)
    if report.is_empty:
        raise CheckpointRejected(
            f"The audit log is empty, so it cannot contain the checkpoint's event {checkpoint.seq}."
        )
    if not report.ok:
        raise CheckpointRejected(f"Today's log does not verify: {report.problem}.")
    if report.head_seq < checkpoint.seq:
        raise CheckpointRejected(
            f"Today's log ends at event {report.head_seq}, before the checkpoint's event {checkpoint.seq}: "
            "events signed in the checkpoint are gone."
        )
    stored = connection.execute(
        sa.select(AuditEvent.hash).where(AuditEvent.seq == checkpoint.seq)
    ).scalar()
    if stored != checkpoint.hash:
        raise CheckpointRejected(
            f"Event {checkpoint.seq} has the hash {stored} today, but the checkpoint signed {checkpoint.hash}: "
            "the log up to the checkpoint was rewritten."
        )
    return report


@dataclass(frozen=True)
class CheckpointFindings:
    """What /verify tells about a well-formed checkpoint: whether this platform's key signed it
    and, if so, whether the log it signed is a prefix of today's log."""

    checkpoint: SignedCheckpoint
    signature_problem: str | None
    prefix_problem: str | None

    @property
    def ok(self) -> bool:
        return self.signature_problem is None and self.prefix_problem is None


def inspect_checkpoint(
    connection: sa.Connection, checkpoint: SignedCheckpoint
) -> CheckpointFindings:
    try:
        check_signature(checkpoint)
    except CheckpointRejected as error:
        return CheckpointFindings(checkpoint, str(error), None)
    try:
        check_prefix(connection, checkpoint)
    except CheckpointRejected as error:
        return CheckpointFindings(checkpoint, None, str(error))
    return CheckpointFindings(checkpoint, None, None)
