"""Loaders of the record's facts, each in one query whatever the amount of data."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm

from trainer.auth.models import User
from trainer.core.extensions import db

from .models import (
    Acknowledgement,
    Attempt,
    DraftRating,
    PracticeLog,
    SignedRating,
    SignOff,
)
from .rules import AttemptSummary, current


def trainee_ratings(trainee_id: int) -> list[SignedRating]:
    """Every signed rating of the trainee (superseded ones included), oldest first, with its
    sign-off and period, in one query."""
    return list(
        db.session.scalars(
            sa.select(SignedRating)
            .join(SignOff, SignOff.id == SignedRating.sign_off_id)
            .where(SignedRating.trainee_id == trainee_id)
            .order_by(SignOff.signed_at, SignedRating.id)
        ).unique()
    )


#: what ``build_record`` and the at-risk flags read of a signed rating
RATING_STATUS_COLUMNS = (
    SignedRating.trainee_id,
    SignedRating.period_id,
    SignedRating.module_slug,
    SignedRating.competency_id,
    SignedRating.level,
    SignedRating.observation,
    SignedRating.supersedes_id,
    SignedRating.minimum_level,
    SignedRating.sign_off_id,
)


def status_ratings(trainee_ids: list[int]) -> list[SignedRating]:
    """The trainees' signed ratings as ``trainee_ratings`` orders them, with only the columns
    statuses and flags read: pages that show statuses and not the ratings themselves skip the
    comments and evidence lists. Reading any other column raises, rather than loading it one
    rating at a time."""
    return list(
        db.session.scalars(
            sa.select(SignedRating)
            .join(SignOff, SignOff.id == SignedRating.sign_off_id)
            .where(SignedRating.trainee_id.in_(trainee_ids))
            .order_by(SignOff.signed_at, SignedRating.id)
            .options(
                sa.orm.load_only(*RATING_STATUS_COLUMNS, raiseload=True),
                sa.orm.joinedload(SignedRating.sign_off, innerjoin=True).load_only(
                    SignOff.signed_at, SignOff.period_id, raiseload=True
                ),
            )
        )
    )


def period_ratings(trainee_id: int, period_id: int) -> list[SignedRating]:
    """The period's signed ratings of the trainee that no correction has superseded."""
    return current(
        db.session.scalars(
            sa.select(SignedRating)
            .where(
                SignedRating.trainee_id == trainee_id,
                SignedRating.period_id == period_id,
            )
            .order_by(SignedRating.id)
        )
    )


def current_signed(
    trainee_id: int, period_id: int, module_slug: str, competency_id: str
) -> SignedRating | None:
    """The period's current signed rating of this competency, if any."""
    ratings = period_ratings(trainee_id, period_id)
    return next(
        (
            r
            for r in ratings
            if r.module_slug == module_slug and r.competency_id == competency_id
        ),
        None,
    )


def trainee_logs(
    trainee_id: int, *, module_slug: str | None = None
) -> list[PracticeLog]:
    """The trainee's logs (superseded ones included), newest first, in one query."""
    query = sa.select(PracticeLog).where(PracticeLog.trainee_id == trainee_id)
    if module_slug is not None:
        query = query.where(PracticeLog.module_slug == module_slug)
    return list(
        db.session.scalars(
            query.order_by(PracticeLog.created_at.desc(), PracticeLog.id.desc())
        )
    )


def trainee_attempts(
    trainee_id: int, *, module_slug: str | None = None
) -> list[Attempt]:
    """The trainee's attempts, newest first, in one query."""
    query = sa.select(Attempt).where(Attempt.trainee_id == trainee_id)
    if module_slug is not None:
        query = query.where(Attempt.module_slug == module_slug)
    return list(
        db.session.scalars(
            query.order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        )
    )


def attempt_summaries(trainee: User) -> dict[str, AttemptSummary]:
    """Attempt counts, best score and pass per module, in one query."""
    rows = db.session.execute(
        sa.select(
            Attempt.module_slug,
            sa.func.count(Attempt.id),
            sa.func.max(Attempt.score),
            sa.func.max(sa.case((Attempt.is_passed, 1), else_=0)),
        )
        .where(Attempt.trainee_id == trainee.id)
        .group_by(Attempt.module_slug)
    ).all()
    return {
        slug: AttemptSummary(count, best, bool(passed))
        for slug, count, best, passed in rows
    }


def trainee_sign_offs(trainee_id: int) -> list[SignOff]:
    return list(
        db.session.scalars(
            sa.select(SignOff)
            .where(SignOff.trainee_id == trainee_id)
            .order_by(SignOff.signed_at.desc(), SignOff.id.desc())
        )
    )


def acknowledged(trainee_id: int) -> dict[int, Acknowledgement]:
    """{sign-off id: acknowledgement} for the trainee's sign-offs, in one query."""
    rows = db.session.scalars(
        sa.select(Acknowledgement).where(Acknowledgement.trainee_id == trainee_id)
    )
    return {row.sign_off_id: row for row in rows}


def supervisor_drafts(supervisor: User, trainee_id: int) -> list[DraftRating]:
    return list(
        db.session.scalars(
            sa.select(DraftRating)
            .where(
                DraftRating.supervisor_id == supervisor.id,
                DraftRating.trainee_id == trainee_id,
            )
            .order_by(DraftRating.period_id, DraftRating.module_slug, DraftRating.id)
        )
    )
