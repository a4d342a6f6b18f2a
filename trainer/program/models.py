from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.core.extensions import db
from trainer.core.models import utcnow


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    #: the evidence framework the catalogue follows (apa-2011 | apa-2019)
    framework: Mapped[str] = mapped_column(
        sa.String(20), nullable=False, default="apa-2011"
    )
    #: IANA time zone in which times are shown to the program's users
    timezone: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="UTC")
    #: every member must sign in with a second factor (trainer.auth.second_factor)
    require_second_factor: Mapped[bool] = mapped_column(
        nullable=False, default=False, server_default=sa.false()
    )
    #: promising modules count towards the program's requirements (trainer.program.catalogue)
    is_promising_required: Mapped[bool] = mapped_column(
        nullable=False, default=False, server_default=sa.false()
    )
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    cohorts: Mapped[list[Cohort]] = relationship(
        back_populates="program", order_by="Cohort.name"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "framework IN ('apa-2011', 'apa-2019')", name="known_framework"
        ),
    )


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    #: archived cohorts leave the director's working lists; nothing is deleted
    archived_at: Mapped[datetime | None] = mapped_column(nullable=True)

    program: Mapped[Program] = relationship(back_populates="cohorts")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    __table_args__ = (
        sa.UniqueConstraint("program_id", "name", name="uq_cohorts_program_name"),
    )


#: the minimum level of achievement of a competency when the program has not set one
DEFAULT_MINIMUM_LEVEL = 4


class SupervisorAssignment(db.Model):
    """A supervisor's responsibility for one trainee of the same program."""

    __tablename__ = "supervisor_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    supervisor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    trainee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    #: when the assignment ended; only assignments without an end give access (history kept)
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)

    __table_args__ = (
        sa.CheckConstraint("supervisor_id <> trainee_id", name="distinct_people"),
    )

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class EvaluationPeriod(db.Model):
    """A program's rating window (e.g. mid-year, end-of-year); ratings and sign-offs belong to one."""

    __tablename__ = "evaluation_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: order within the program; a later period's rating is the more recent evaluation
    position: Mapped[int] = mapped_column(nullable=False)
    #: optional window; the supervisor's workspace opens on the period containing today
    starts_on: Mapped[date | None] = mapped_column(nullable=True)
    ends_on: Mapped[date | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    #: when the director closed the period (its ratings are final for the at-risk flags)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    __table_args__ = (
        sa.UniqueConstraint(
            "program_id", "name", name="uq_evaluation_periods_program_name"
        ),
        sa.UniqueConstraint(
            "program_id", "position", name="uq_evaluation_periods_program_position"
        ),
        sa.CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on",
            name="window_ordered",
        ),
    )


class MinimumLevel(db.Model):
    """The program's minimum level of achievement (MLA) for one competency; absent means the default."""

    __tablename__ = "minimum_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False
    )
    module_slug: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    competency_id: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: rubric level 1-5 that the latest signed rating must reach
    level: Mapped[int] = mapped_column(nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        nullable=False, default=utcnow, onupdate=utcnow
    )

    __table_args__ = (
        sa.UniqueConstraint(
            "program_id",
            "module_slug",
            "competency_id",
            name="uq_minimum_levels_program_competency",
        ),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="rubric_level"),
    )


class MinimumLevelChange(db.Model):
    """One dated change of a program's minimum level for a competency (history of ``MinimumLevel``)."""

    __tablename__ = "minimum_level_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    module_slug: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    competency_id: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    level: Mapped[int] = mapped_column(nullable=False)
    #: the level before the change (the default when none was set)
    previous: Mapped[int] = mapped_column(nullable=False)
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), nullable=True
    )
    changed_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    __table_args__ = (sa.CheckConstraint("level BETWEEN 1 AND 5", name="rubric_level"),)
