"""Ratings, sign-offs and acknowledgements.

Draft ratings are the only mutable records: a supervisor edits them until signing, which turns
them into signed ratings in one transaction. Sign-offs, signed ratings and acknowledgements are
immutable (migration triggers refuse UPDATE and DELETE); a correction is a new signed rating,
under a new sign-off, that references the rating it supersedes.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.core.extensions import db
from trainer.core.models import str_enum, utcnow
from trainer.program.models import EvaluationPeriod

#: what the supervisor attests by signing ratings that all rest on direct observation; the
#: meaning of each sign-off is stored with it (immutable) and shown wherever it is shown
SIGNATURE_MEANING = (
    "I attest that I observed this practice and that these ratings reflect it"
)
#: ratings of which none rests on direct observation and all on the trainee's report
MEANING_REPORTED = "I attest that I reviewed the trainee's report of this practice and that these ratings reflect it"
#: ratings of which none rests on direct observation (role-play, standardized client, report)
MEANING_NOT_OBSERVED = (
    "I attest that I assessed this practice as each rating states (role-play, a standardized "
    "client or the trainee's report), without observing it directly, and that these ratings reflect it"
)
#: ratings of which some rest on direct observation and some do not
MEANING_MIXED = (
    "I attest that I observed this practice directly where a rating says so, assessed it "
    "otherwise as each other rating states, and that these ratings reflect it"
)
#: a correction's form, before its observation is chosen: true whatever is chosen
MEANING_AS_STATED = (
    "I attest that I observed or assessed this practice as the rating states, and that the "
    "rating reflects it"
)


def signature_meaning(observations) -> str:
    """What a signature over ratings with these observations attests: "I observed this
    practice" only when every rating that has an observation rests on direct observation."""
    kinds = {o for o in observations if o is not None}
    if not kinds:
        return MEANING_AS_STATED
    direct = {o for o in kinds if o in DIRECT_OBSERVATION}
    if direct == kinds:
        return SIGNATURE_MEANING
    if direct:
        return MEANING_MIXED
    if kinds == {Observation.REPORT_ONLY}:
        return MEANING_REPORTED
    return MEANING_NOT_OBSERVED


class Observation(enum.StrEnum):
    IN_ROOM = "in-room"
    LIVE_VIDEO = "live-video"
    VIDEO_RECORDING = "video-recording"
    AUDIO_RECORDING = "audio-recording"
    ROLE_PLAY = "role-play"
    STANDARDIZED_CLIENT = "standardized-client"
    REPORT_ONLY = "report-only"

    @property
    def is_direct(self) -> bool:
        return self in DIRECT_OBSERVATION


DIRECT_OBSERVATION = frozenset(
    {
        Observation.IN_ROOM,
        Observation.LIVE_VIDEO,
        Observation.VIDEO_RECORDING,
        Observation.AUDIO_RECORDING,
    }
)
OBSERVATION_LABELS = {
    Observation.IN_ROOM: "In the room or through a one-way mirror",
    Observation.LIVE_VIDEO: "Live video",
    Observation.VIDEO_RECORDING: "Video recording",
    Observation.AUDIO_RECORDING: "Audio recording",
    Observation.ROLE_PLAY: "Role-play",
    Observation.STANDARDIZED_CLIENT: "Standardized client",
    Observation.REPORT_ONLY: "Report only (the trainee's account)",
}


class RatingFields:
    """The columns a draft and a signed rating share."""

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    supervisor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False
    )
    trainee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    period_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluation_periods.id"), nullable=False
    )
    module_slug: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    competency_id: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: rubric level 1-5; NULL means "no opportunity to observe"
    level: Mapped[int | None] = mapped_column(nullable=True)
    comment: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: how the supervisor saw the practice; required with a level
    observation: Mapped[Observation | None] = mapped_column(
        str_enum(Observation, "observation"), nullable=True
    )
    observed_on: Mapped[date | None] = mapped_column(nullable=True)
    #: ids of the trainee's practice logs and quiz attempts the rating rests on
    evidence_log_ids: Mapped[list[int]] = mapped_column(
        sa.JSON, nullable=False, default=list
    )
    evidence_attempt_ids: Mapped[list[int]] = mapped_column(
        sa.JSON, nullable=False, default=list
    )

    @property
    def is_direct(self) -> bool:
        return (
            self.level is not None
            and self.observation is not None
            and self.observation.is_direct
        )


def _rating_checks() -> tuple[sa.CheckConstraint, ...]:
    return (
        sa.CheckConstraint(
            "level IS NULL OR level BETWEEN 1 AND 5", name="rubric_level"
        ),
        sa.CheckConstraint(
            "level IS NULL OR (observation IS NOT NULL AND observed_on IS NOT NULL)",
            name="rating_observed",
        ),
    )


class DraftRating(RatingFields, db.Model):
    """A supervisor's rating before signing; edited freely, deleted when signed."""

    __tablename__ = "draft_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_version: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        nullable=False, default=utcnow, onupdate=utcnow
    )

    __table_args__ = (
        sa.UniqueConstraint(
            "supervisor_id",
            "trainee_id",
            "period_id",
            "module_slug",
            "competency_id",
            name="uq_draft_ratings_supervisor_competency",
        ),
        *_rating_checks(),
    )


class SignOff(db.Model):
    """A supervisor's electronic signature over a set of ratings."""

    __tablename__ = "sign_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    trainee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    period_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluation_periods.id"), nullable=False
    )
    signer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    #: the signer's name at the time of signing, as shown with the signature
    signer_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    meaning: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: True when this sign-off carries a correction of an earlier signed rating
    is_correction: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: SHA-256 of the RFC 8785 JSON of the signed ratings (also in the audit event)
    ratings_digest: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: one-time token of the signing form: a resubmitted form signs nothing new
    submission_token: Mapped[str] = mapped_column(sa.String(64), nullable=False)

    period: Mapped[EvaluationPeriod] = relationship(lazy="joined")
    ratings: Mapped[list[SignedRating]] = relationship(
        back_populates="sign_off", order_by="SignedRating.id", lazy="raise"
    )

    __table_args__ = (
        sa.UniqueConstraint(
            "signer_id", "submission_token", name="uq_sign_offs_signer_token"
        ),
    )


class SignedRating(RatingFields, db.Model):
    """A rating under a signature. Immutable; corrected by a newer one that supersedes it."""

    __tablename__ = "signed_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sign_offs.id"), nullable=False, index=True
    )
    #: the module's content version the rating was made on (its rubric anchors)
    content_version: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    supersedes_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("signed_ratings.id"), nullable=True, unique=True
    )
    correction_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: the program's minimum level for this competency when the rating was signed (None for
    #: ratings signed before it was kept); a verified status keeps the level it was verified on
    minimum_level: Mapped[int | None] = mapped_column(nullable=True)

    sign_off: Mapped[SignOff] = relationship(
        back_populates="ratings", lazy="joined", innerjoin=True
    )

    __table_args__ = (
        sa.Index(
            "ix_signed_ratings_trainee_competency",
            "trainee_id",
            "module_slug",
            "competency_id",
        ),
        sa.CheckConstraint(
            "(supersedes_id IS NULL AND correction_reason IS NULL)"
            " OR (supersedes_id IS NOT NULL AND correction_reason IS NOT NULL)",
            name="correction_has_reason",
        ),
        *_rating_checks(),
    )

    def canonical(self) -> dict[str, Any]:
        """The fields the signature covers, as plain JSON values."""
        return {
            "trainee_id": self.trainee_id,
            "period_id": self.period_id,
            "module": self.module_slug,
            "competency": self.competency_id,
            "level": self.level,
            "comment": self.comment,
            "observation": self.observation.value if self.observation else None,
            "observed_on": self.observed_on.isoformat() if self.observed_on else None,
            "evidence_logs": sorted(self.evidence_log_ids),
            "evidence_attempts": sorted(self.evidence_attempt_ids),
            "content_version": self.content_version,
            "supersedes": self.supersedes_id,
            "correction_reason": self.correction_reason,
        }


class Acknowledgement(db.Model):
    """The trainee's acknowledgement of a sign-off, with an optional written response."""

    __tablename__ = "acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sign_offs.id"), nullable=False, unique=True
    )
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    response: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    acknowledged_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
