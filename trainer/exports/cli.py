"""``flask --app app export --cohort ID --format csv|json|pdf --out DIR [--period ID]``,
``flask --app app export verify PATH`` and ``flask --app app export run-queued``.

Exit codes: 0 done or valid; 1 the bundle does not verify (each problem named); 2 unusable
input (unknown cohort or period, a folder that is not empty, an unreadable bundle)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.audit.checkpoints import ChainBroken, EmptyLog
from trainer.audit.signing import signing_key
from trainer.core.extensions import db
from trainer.program.models import Cohort

from .bundle import BundleUnreadable, Findings, verify_path
from .formats import FORMATS, PAPERS
from .jobs import delete_old_files, run_queued
from .models import JobState
from .services import build_export


@click.group("export", invoke_without_command=True)
@click.option("--cohort", "cohort_id", type=int, help="The cohort's id.")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="A new or empty folder.",
)
@click.option(
    "--period",
    "period_ids",
    type=int,
    multiple=True,
    help="A period id (repeat; default: all).",
)
@click.option(
    "--paper", type=click.Choice(sorted(PAPERS)), default="a4", show_default=True
)
@click.pass_context
@with_appcontext
def export_group(ctx, cohort_id, fmt, out, period_ids, paper) -> None:
    """Export a cohort's accreditation report as a signed bundle, or verify one."""
    if ctx.invoked_subcommand is not None:
        return
    if cohort_id is None or out is None:
        raise click.UsageError(
            "Give --cohort ID and --out DIR (or use: export verify PATH)."
        )
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        click.echo(f"There is no cohort {cohort_id}.", err=True)
        sys.exit(2)
    try:
        result = build_export(
            cohort, fmt, out, period_ids=period_ids, paper=paper, via="command line"
        )
    except (LookupError, ValueError, EmptyLog, ChainBroken) as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(
        f"Exported {cohort.name} ({fmt}): {len(result.files)} files in {out}\n"
        f"manifest.json SHA-256 {result.manifest_sha256}"
    )


def report(findings: Findings) -> None:
    for problem in findings.problems:
        click.echo(f"PROBLEM: {problem}", err=True)


@export_group.command("verify")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@with_appcontext
def verify_command(path: Path) -> None:
    """Verify an export bundle (a folder or a zip): exit 1 naming each problem."""
    try:
        findings = verify_path(path, signing_key())
    except BundleUnreadable as error:
        click.echo(f"PROBLEM: {error}", err=True)
        sys.exit(1)
    if findings.ok:
        click.echo(
            f"Export verified: the signature is this server's key's ({findings.key_fingerprint}), "
            f"and all {findings.checked} files match the manifest."
        )
        return
    report(findings)
    sys.exit(1)


@export_group.command("run-queued")
@click.option("--limit", type=int, help="Build at most this many jobs.")
@with_appcontext
def run_queued_command(limit: int | None) -> None:
    """Build the exports queued on /reports (for a timer), then delete the bundles older than
    EXPORT_RETENTION_DAYS. Exit 1 when a build failed (its page says why)."""
    from flask import current_app

    jobs = run_queued(limit=limit)
    failed = [job for job in jobs if job.state == JobState.FAILED]
    for job in jobs:
        click.echo(
            f"Export job {job.id}: {job.state.value}"
            + (f" ({job.error})" if job.error else "")
        )
    deleted = delete_old_files(current_app.config["EXPORT_RETENTION_DAYS"])
    db.session.commit()
    click.echo(
        f"{len(jobs)} queued export(s) built, {len(failed)} failed; {deleted} old bundle(s) deleted."
    )
    if failed:
        sys.exit(1)
