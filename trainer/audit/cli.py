"""``flask --app app audit ...``: verify the chain, sign checkpoints, print the public key.

Exit codes: 0 verified (or done); 1 the log or the checkpoint does not verify, or there is
nothing to verify or sign; 2 the input cannot be used (unreadable or malformed checkpoint file,
bad option).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, NoReturn

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from trainer.audit.parallel import verify_chain
from trainer.core.extensions import db

from .checkpoints import (
    MAX_DOCUMENT_BYTES,
    ChainBroken,
    CheckpointInvalid,
    CheckpointRejected,
    EmptyLog,
    SignedCheckpoint,
    check_prefix,
    check_signature,
    document_json,
    parse_document,
    take_checkpoint,
)
from .parallel import default_jobs
from .services import log_snapshot
from .signing import SigningKeyError, signing_key
from .verify import ChainReport

VERIFIED, FAILED, UNUSABLE_INPUT = 0, 1, 2


def _fail(message: str, code: int = FAILED) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log: verify the chain, sign checkpoints."""


@audit_group.command("verify")
@click.option(
    "--since",
    type=click.File("rb"),
    metavar="CHECKPOINT.json",
    help="A checkpoint kept earlier: also prove that the log it signed is a prefix of today's log.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that check a long chain in parallel (default: the number of CPUs, at most 8).",
)
@with_appcontext
def verify_command(since: IO[bytes] | None, jobs: int | None) -> None:
    """Recompute the hash chain from the first event to the head; name the first broken event."""
    checkpoint = _signed_checkpoint(since) if since is not None else None
    try:
        with log_snapshot() as connection:
            if checkpoint is None:
                report = verify_chain(connection, jobs=jobs or default_jobs())
            else:
                report = check_prefix(
                    connection, checkpoint, jobs=jobs or default_jobs()
                )
    except CheckpointRejected as error:
        _fail(f"Checkpoint NOT verified: {error}")
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        _fail(
            f"The audit log cannot be read ({cause}). Is the database migrated (flask --app app db upgrade)?"
        )
    if report.is_empty:
        _fail("The audit log is empty: there are no events to verify.")
    if not report.ok:
        _fail(_broken(report))
    click.echo(
        f"Audit chain verified: {report.count:,} events, from event 1 to event {report.head_seq:,}."
    )
    click.echo(f"Head: event {report.head_seq}, hash {report.head_hash}")
    if checkpoint is not None:
        click.echo(
            f"Checkpoint verified: signed {checkpoint.time} by key {checkpoint.key_fingerprint}; event "
            f"{checkpoint.seq} still has hash {checkpoint.hash}, so the log it signed is a prefix of today's log."
        )


def _signed_checkpoint(source: IO[bytes]) -> SignedCheckpoint:
    name = getattr(source, "name", "the checkpoint file")
    try:
        checkpoint = parse_document(source.read(MAX_DOCUMENT_BYTES + 1))
    except CheckpointInvalid as error:
        _fail(f"{name}: {error}", UNUSABLE_INPUT)
    try:
        check_signature(checkpoint)
    except CheckpointRejected as error:
        _fail(f"Checkpoint NOT verified: {name}: {error}")
    except SigningKeyError as error:
        _fail(str(error))
    return checkpoint


def _broken(report: ChainReport) -> str:
    problem = report.problem
    assert problem is not None
    if report.count:
        before = f"The {report.count:,} events before it verify; the last good one is event {report.head_seq} (hash {report.head_hash})."
    else:
        before = "No event before it verifies."
    return f"Audit chain BROKEN at {problem}.\n{before}"


@audit_group.command("checkpoint")
@click.option(
    "--reason",
    type=click.Choice(["manual", "schedule"]),
    default="manual",
    show_default=True,
    help="Why the checkpoint is taken (the timer passes 'schedule').",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the signed checkpoint (JSON) to this file, for a reviewer to keep.",
)
@with_appcontext
def checkpoint_command(reason: str, out: Path | None) -> None:
    """Sign the head of the chain (sequence number, hash, time, key fingerprint) and store it."""
    try:
        checkpoint = take_checkpoint(reason)
    except (EmptyLog, ChainBroken, SigningKeyError) as error:
        db.session.rollback()
        _fail(str(error))
    db.session.commit()
    click.echo(
        f"Checkpoint {checkpoint.id} signed: event {checkpoint.seq}, hash {checkpoint.head_hash}, "
        f"key {checkpoint.key_fingerprint}."
    )
    if out is not None:
        out.write_text(document_json(checkpoint))
        click.echo(f"Written to {out}.")


@audit_group.command("public-key")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the PEM to this file instead of printing it.",
)
@with_appcontext
def public_key_command(out: Path | None) -> None:
    """The public key that checkpoints and exports are signed with (PEM)."""
    try:
        key = signing_key()
    except SigningKeyError as error:
        _fail(str(error))
    if out is None:
        click.echo(key.public_pem, nl=False)
        return
    out.write_text(key.public_pem)
    click.echo(f"Public key written to {out}; its fingerprint is {key.fingerprint}.")
