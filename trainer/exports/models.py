"""Export jobs: a cohort's export asked for on /reports and built in the background (a thread
of the app process, or ``flask --app app export run-queued``), with its progress and its
finished bundle under EXPORT_FOLDER."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.core.models import str_enum, utcnow
from trainer.program.models import Cohort


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(db.Model):
    """One export asked for on the web. Its state goes queued → running → done or failed
    (each change an audit event); a failed or stale job goes back to queued when retried.
    ``heartbeat_at`` moves while the build runs: a running job whose heartbeat stopped was
    killed with its process (stale)."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), nullable=False)
    requested_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False
    )
    format: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    paper: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    #: the chosen evaluation periods' ids; empty for all
    period_ids: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    state: Mapped[JobState] = mapped_column(
        str_enum(JobState, "export_job_state"),
        nullable=False,
        default=JobState.QUEUED,
    )
    #: trainees written so far, of ``total``
    done: Mapped[int] = mapped_column(nullable=False, default=0)
    total: Mapped[int] = mapped_column(nullable=False, default=0)
    #: how many times a build was started (a retry starts another)
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: why the build failed, in words for the page
    error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: the finished bundle: a zip in EXPORT_FOLDER (None until done, and once deleted)
    file_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    file_size: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    file_deleted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    export_id: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    manifest_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)

    cohort: Mapped[Cohort] = relationship(lazy="joined")
    requested_by: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "done >= 0 AND total >= 0 AND attempts >= 0", name="counts_positive"
        ),
        sa.Index("ix_export_jobs_state_id", "state", "id"),
    )
