"""Export jobs: queue an export from /reports, build it in the background (a thread of the app
process, or ``export run-queued``), keep its progress where the job page can read it, store
the finished zip under EXPORT_FOLDER, and fail, go stale and retry in words.

Every change of a job's state is an audit event (export.job_queued, _started, _done,
_failed, _retried, _file_deleted). State changes that two runners could race for are one
conditional UPDATE, so a job is never built twice at once."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from trainer.audit.checkpoints import CheckpointError
from trainer.audit.services import record
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.database import read_only
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.program.models import Cohort, EvaluationPeriod

from .bundle import write_zip
from .contents import scope_for
from .formats import FORMATS, PAPERS
from .models import ExportJob, JobState
from .services import BuildHooks, build_export

logger = logging.getLogger(__name__)

JOB_QUEUED = "export.job_queued"
JOB_STARTED = "export.job_started"
JOB_DONE = "export.job_done"
JOB_FAILED = "export.job_failed"
JOB_RETRIED = "export.job_retried"
JOB_FILE_DELETED = "export.job_file_deleted"
#: progress is written at most this often (seconds), besides the last trainee's
PROGRESS_INTERVAL = 1.0


def export_folder() -> Path:
    folder = Path(current_app.config["EXPORT_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _audit(job: ExportJob, action: str, actor: User | None = None, **extra) -> None:
    record(
        action,
        actor=actor,
        subject=f"export-job:{job.id}",
        program_id=job.program_id,
        payload={
            "job": job.id,
            "cohort": job.cohort_id,
            "format": job.format,
            "periods": list(job.period_ids),
            "state": job.state.value,
            **extra,
        },
    )


def trainee_count(cohort_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.cohort_id == cohort_id, User.role == Role.TRAINEE
        )
    )


def queue_export(
    cohort: Cohort,
    fmt: str,
    *,
    actor: User,
    period_ids: Iterable[int] = (),
    paper: str = "a4",
) -> ExportJob:
    """Record the export to build (flushes). LookupError when a period is not the program's;
    ValueError for an unknown format or paper."""
    if fmt not in FORMATS or paper not in PAPERS:
        raise ValueError(f"Unknown format {fmt!r} or paper {paper!r}.")
    scope = scope_for(cohort, period_ids)
    job = ExportJob(
        program_id=cohort.program_id,
        cohort_id=cohort.id,
        requested_by_id=actor.id,
        format=fmt,
        paper=paper,
        period_ids=[p.id for p in scope.periods] if period_ids else [],
        state=JobState.QUEUED,
        total=trainee_count(cohort.id),
        done=0,
        attempts=0,
        created_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    _audit(job, JOB_QUEUED, actor)
    return job


def job_of_program(job_id: int, program_id: int | None) -> ExportJob | None:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.program_id != program_id:
        return None
    return job


def program_jobs(program_id: int, *, limit: int = 50) -> list[ExportJob]:
    """The program's jobs, newest first, with cohort and requester (one query)."""
    return list(
        db.session.scalars(
            sa.select(ExportJob)
            .where(ExportJob.program_id == program_id)
            .order_by(ExportJob.id.desc())
            .limit(limit)
        ).unique()
    )


def period_names(program_id: int) -> dict[int, str]:
    return dict(
        db.session.execute(
            sa.select(EvaluationPeriod.id, EvaluationPeriod.name).where(
                EvaluationPeriod.program_id == program_id
            )
        ).all()
    )


def is_stale(job: ExportJob, now: datetime | None = None) -> bool:
    """A running job whose progress stopped moving: its process was killed."""
    if job.state != JobState.RUNNING:
        return False
    last = job.heartbeat_at or job.started_at or job.created_at
    limit = timedelta(seconds=current_app.config["EXPORT_STALE_SECONDS"])
    return last < (now or utcnow()) - limit


def _move(job_id: int, frm: JobState, *conditions, **values) -> bool:
    """One conditional UPDATE: True when this caller made the change."""
    result = db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.state == frm, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _reload(job_id: int) -> ExportJob:
    return db.session.get(ExportJob, job_id, populate_existing=True)


def retry(job: ExportJob, actor: User) -> bool:
    """A failed or stale job back to the queue (flushes); False when it is neither."""
    previous, stale = job.state, is_stale(job)
    if previous != JobState.FAILED and not stale:
        return False
    guard = () if not stale else (ExportJob.heartbeat_at == job.heartbeat_at,)
    if not _move(job.id, previous, *guard, state=JobState.QUEUED, done=0, error=None):
        return False
    job = _reload(job.id)
    _audit(job, JOB_RETRIED, actor, previous="stale" if stale else previous.value)
    return True


def claim(job_id: int) -> ExportJob | None:
    """queued → running (flushes): of two runners, only one gets the job."""
    now = utcnow()
    if not _move(
        job_id,
        JobState.QUEUED,
        state=JobState.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=ExportJob.attempts + 1,
        done=0,
        error=None,
    ):
        return None
    job = _reload(job_id)
    job.total = trainee_count(job.cohort_id)
    _audit(job, JOB_STARTED, attempt=job.attempts)
    return job


def _progress_writer(job_id: int, attempt: int) -> Callable[[int], None]:
    """Writes ``done`` and the heartbeat, at most once a second. With EXPORT_LIVE_PROGRESS
    in a transaction of its own, so that the job page sees it while the build's own
    transaction reads on; otherwise (the tests' one rolled-back transaction) in the build's."""
    live = current_app.config.get("EXPORT_LIVE_PROGRESS", True)
    last = [0.0]

    def write(done: int) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL:
            return
        last[0] = now
        statement = (
            sa.update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.attempts == attempt)
            .values(done=done, heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if not live:
            db.session.execute(statement)
            return
        try:
            with Session(db.engine) as session:
                session.execute(statement)
                session.commit()
        except sa.exc.OperationalError:  # a busy database: the next write catches up
            logger.warning("Export job %s: progress not written this time", job_id)

    return write


def failure_words(error: BaseException) -> str:
    """What the job page says about a failed build."""
    if isinstance(error, CheckpointError | LookupError):
        return str(error)
    if isinstance(error, OSError):
        reason = error.strerror or type(error).__name__
        return f"The bundle could not be written to the export folder ({reason}). Tell the administrator; then retry."
    return (
        f"The build stopped on an unexpected error ({type(error).__name__}); the server's "
        "log has the details. Retry it; if it fails again, tell the administrator."
    )


def run_job(job_id: int) -> ExportJob | None:
    """Claim and build one queued job, committing as it goes; None when another runner has
    it. A failure is recorded on the job (never raised)."""
    job = claim(job_id)
    if job is None:
        db.session.rollback()
        return None
    db.session.commit()
    attempt = job.attempts
    folder = export_folder()
    work = folder / f".job-{job_id}-{secrets.token_hex(4)}"
    try:
        result = build_export(
            job.cohort,
            job.format,
            work / "bundle",
            period_ids=job.period_ids,
            actor=job.requested_by,
            paper=job.paper,
            via="web",
            hooks=BuildHooks(
                commit=db.session.commit,
                reading=read_only,
                progress=_progress_writer(job_id, attempt),
            ),
        )
        name = f"ebtr-export-{job.cohort_id}-{job.format}-{result.manifest['export_id']}.zip"
        with (work / "bundle.zip").open("wb") as out:
            write_zip(result.folder, out)
        size = (work / "bundle.zip").stat().st_size
        os.replace(work / "bundle.zip", folder / name)
        finished = _move(
            job_id,
            JobState.RUNNING,
            ExportJob.attempts == attempt,
            state=JobState.DONE,
            done=ExportJob.total,
            finished_at=utcnow(),
            file_name=name,
            file_size=size,
            export_id=result.manifest["export_id"],
            manifest_sha256=result.manifest_sha256,
        )
        if finished:
            _audit(
                _reload(job_id),
                JOB_DONE,
                export_id=result.manifest["export_id"],
                manifest_sha256=result.manifest_sha256,
            )
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        logger.exception("Export job %s failed", job_id)
        _fail(job_id, attempt, failure_words(error))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _reload(job_id)


def _fail(job_id: int, attempt: int, words: str) -> None:
    if _move(
        job_id,
        JobState.RUNNING,
        ExportJob.attempts == attempt,
        state=JobState.FAILED,
        finished_at=utcnow(),
        error=words,
    ):
        _audit(_reload(job_id), JOB_FAILED, error=words)
    db.session.commit()


def run_queued(*, limit: int | None = None) -> list[ExportJob]:
    """Build the queued jobs, oldest first, until none is left (or ``limit`` were built)."""
    built: list[ExportJob] = []
    while limit is None or len(built) < limit:
        job_id = db.session.scalar(
            sa.select(ExportJob.id)
            .where(ExportJob.state == JobState.QUEUED)
            .order_by(ExportJob.id)
            .limit(1)
        )
        db.session.commit()
        if job_id is None:
            break
        job = run_job(job_id)
        if job is not None:
            built.append(job)
    return built


def delete_old_files(days: int, now: datetime | None = None) -> int:
    """Delete the zips of jobs finished over ``days`` days ago (flushes); how many."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    jobs = db.session.scalars(
        sa.select(ExportJob).where(
            ExportJob.state == JobState.DONE,
            ExportJob.file_name.is_not(None),
            ExportJob.finished_at < cutoff,
        )
    ).all()
    folder = export_folder()
    for job in jobs:
        (folder / job.file_name).unlink(missing_ok=True)
        job.file_name = None
        job.file_deleted_at = utcnow()
        db.session.flush()
        _audit(job, JOB_FILE_DELETED, retention_days=days)
    return len(jobs)


def bundle_path(job: ExportJob) -> Path | None:
    """The finished zip on disk, or None (not done, deleted, or missing)."""
    if job.state != JobState.DONE or not job.file_name:
        return None
    path = Path(current_app.config["EXPORT_FOLDER"]) / job.file_name
    return path if path.is_file() else None


# --- the background thread ------------------------------------------------------------------


def _run_in_thread(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        except (
            Exception
        ):  # never let a build break the server; the job page offers a retry
            logger.exception("Export job %s could not run in the background", job_id)
        finally:
            db.session.remove()


def start_in_thread(app: Flask, job_id: int) -> threading.Thread:
    """Build the job in a daemon thread of this process (after the request has committed)."""
    thread = threading.Thread(
        target=_run_in_thread,
        args=(app, job_id),
        name=f"export-job-{job_id}",
        daemon=True,
    )
    thread.start()
    return thread
