"""Practice logs with self-ratings, and trainees' feedback. Both are immutable: the database
refuses UPDATE and DELETE (migration triggers); a correction is a new log that supersedes."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.extensions import db
from trainer.core.models import str_enum, utcnow


class Modality(enum.StrEnum):
    INDIVIDUAL = "individual"
    COUPLE_FAMILY = "couple-family"
    GROUP = "group"
    YOUTH = "youth"


MODALITY_LABELS = {
    Modality.INDIVIDUAL: "Individual",
    Modality.COUPLE_FAMILY: "Couple or family",
    Modality.GROUP: "Group",
    Modality.YOUTH: "Youth (child or adolescent)",
}


class ClinicType(enum.StrEnum):
    OUTPATIENT = "outpatient"
    INPATIENT = "inpatient"
    COMMUNITY = "community"
    COUNSELLING_CENTRE = "counselling-centre"
    SCHOOL = "school"
    PRIMARY_CARE = "primary-care"
    PRIVATE_PRACTICE = "private-practice"
    OTHER = "other"


CLINIC_TYPE_LABELS = {
    ClinicType.OUTPATIENT: "Outpatient clinic",
    ClinicType.INPATIENT: "Inpatient or residential unit",
    ClinicType.COMMUNITY: "Community mental health",
    ClinicType.COUNSELLING_CENTRE: "University counselling centre",
    ClinicType.SCHOOL: "School",
    ClinicType.PRIMARY_CARE: "Integrated primary care",
    ClinicType.PRIVATE_PRACTICE: "Private practice",
    ClinicType.OTHER: "Other setting",
}


class PracticeLog(db.Model):
    """A trainee's de-identified evidence of applying one competency, with a self-rating."""

    __tablename__ = "practice_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    module_slug: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    competency_id: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: the module's content version when logged: the rubric anchors the self-rating was made on
    content_version: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    practised_on: Mapped[date] = mapped_column(nullable=False)
    modality: Mapped[Modality] = mapped_column(
        str_enum(Modality, "modality"), nullable=False
    )
    clinic_type: Mapped[ClinicType] = mapped_column(
        str_enum(ClinicType, "clinic_type"), nullable=False
    )
    what_i_did: Mapped[str] = mapped_column(sa.Text, nullable=False)
    client_response: Mapped[str] = mapped_column(sa.Text, nullable=False)
    reflection: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: the trainee's own rubric level, 1-5
    self_rating: Mapped[int] = mapped_column(nullable=False)
    #: the log this one corrects; a log is superseded at most once (corrections chain)
    supersedes_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("practice_logs.id"), nullable=True, unique=True
    )
    correction_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: one-time token of the form that submitted it: a resubmitted form records nothing new
    submission_token: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint(
            "trainee_id", "submission_token", name="uq_practice_logs_trainee_token"
        ),
        sa.Index(
            "ix_practice_logs_trainee_competency",
            "trainee_id",
            "module_slug",
            "competency_id",
        ),
        sa.CheckConstraint("self_rating BETWEEN 1 AND 5", name="self_rating_level"),
        sa.CheckConstraint(
            "(supersedes_id IS NULL AND correction_reason IS NULL)"
            " OR (supersedes_id IS NOT NULL AND correction_reason IS NOT NULL)",
            name="correction_has_reason",
        ),
    )
