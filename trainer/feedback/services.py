"""Feedback, practised as taught: the trainee rates a quiz attempt or a signed supervision on
four 0-10 scales. Supervisors read the feedback on their own supervisions; directors read
aggregates per module that never name a trainee."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.unit_of_work import create_once
from trainer.feedback.models import FEEDBACK_SCALES, Feedback, FeedbackSubject
from trainer.privacy.check import check_deidentified
from trainer.record.models import Attempt, SignedRating, SignOff

logger = logging.getLogger(__name__)

#: aggregates over fewer responses than this are not shown, so no one's answers stand out
MINIMUM_GROUP = 3


class FeedbackError(TrainerError):
    pass


def _check_scores(scores: dict[str, int]) -> dict[str, int]:
    if set(scores) != set(FEEDBACK_SCALES) or not all(
        0 <= int(v) <= 10 for v in scores.values()
    ):
        raise FeedbackError("Answer each of the four questions from 0 to 10.")
    return {name: int(value) for name, value in scores.items()}


def feedback_on_attempt(attempt_id: int) -> Feedback | None:
    return db.session.scalar(
        sa.select(Feedback).where(Feedback.attempt_id == attempt_id)
    )


def feedback_on_sign_off(sign_off_id: int) -> Feedback | None:
    return db.session.scalar(
        sa.select(Feedback).where(Feedback.sign_off_id == sign_off_id)
    )


def _recorded(trainee: User, feedback: Feedback) -> Feedback:
    record(
        "feedback.given",
        actor=trainee,
        subject=f"feedback:{feedback.id}",
        payload={
            "on": feedback.subject.value,
            "attempt_id": feedback.attempt_id,
            "sign_off_id": feedback.sign_off_id,
            **feedback.scores(),
            "has_comment": bool(feedback.comment),
        },
    )
    logger.info(
        "Feedback %s given by %s on %s", feedback.id, trainee.id, feedback.subject.value
    )
    return feedback


def _give(
    trainee: User, scores: dict[str, int], comment: str, find_existing, **fields
) -> tuple[Feedback, bool]:
    """The steps both kinds of feedback share: check, then record once."""
    scores = _check_scores(scores)
    check_deidentified(comment=comment)
    lock_chain()
    feedback, created = create_once(
        lambda: Feedback(
            trainee_id=trainee.id, comment=(comment or "").strip(), **fields, **scores
        ),
        find_existing,
    )
    return (_recorded(trainee, feedback), True) if created else (feedback, False)


def give_attempt_feedback(
    trainee: User, attempt: Attempt, scores: dict[str, int], comment: str = ""
) -> tuple[Feedback, bool]:
    """Record the trainee's feedback on their own attempt; one per attempt (returns (feedback, created))."""
    if attempt.trainee_id != trainee.id:
        raise FeedbackError("You can give feedback only on your own quiz attempts.")
    return _give(
        trainee,
        scores,
        comment,
        lambda: feedback_on_attempt(attempt.id),
        program_id=attempt.program_id,
        subject=FeedbackSubject.ATTEMPT,
        attempt_id=attempt.id,
        module_slug=attempt.module_slug,
    )


def give_sign_off_feedback(
    trainee: User, sign_off: SignOff, scores: dict[str, int], comment: str = ""
) -> tuple[Feedback, bool]:
    """Record the trainee's feedback on a supervision they were signed off in; one per sign-off."""
    if sign_off.trainee_id != trainee.id:
        raise FeedbackError("You can give feedback only on your own supervision.")
    return _give(
        trainee,
        scores,
        comment,
        lambda: feedback_on_sign_off(sign_off.id),
        program_id=sign_off.program_id,
        subject=FeedbackSubject.SIGN_OFF,
        sign_off_id=sign_off.id,
    )


def supervisor_feedback(supervisor: User) -> list[tuple[Feedback, SignOff, str]]:
    """Feedback on the supervisor's own sign-offs, newest first: (feedback, sign-off, trainee name)."""
    rows = db.session.execute(
        sa.select(Feedback, SignOff, User.name)
        .join(SignOff, SignOff.id == Feedback.sign_off_id)
        .join(User, User.id == Feedback.trainee_id)
        .where(
            SignOff.signer_id == supervisor.id,
            SignOff.program_id == supervisor.program_id,
        )
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


@dataclass
class Aggregate:
    responses: int = 0
    means: dict[str, float] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)

    @property
    def is_shown(self) -> bool:
        return self.responses >= MINIMUM_GROUP


@dataclass
class ModuleFeedback:
    module_slug: str
    quiz: Aggregate = field(default_factory=Aggregate)
    supervision: Aggregate = field(default_factory=Aggregate)


def _aggregate_rows(query) -> dict[str, Aggregate]:
    result: dict[str, Aggregate] = {}
    for row in db.session.execute(query):
        result[row.module_slug] = Aggregate(
            responses=row.responses,
            means={
                name: round(float(getattr(row, name)), 1) for name in FEEDBACK_SCALES
            },
        )
    return result


def _means():
    return [
        sa.func.avg(getattr(Feedback, name)).label(name) for name in FEEDBACK_SCALES
    ]


def module_aggregates(program_id: int) -> dict[str, ModuleFeedback]:
    """Per module: means and comments of quiz feedback and of supervision feedback (a supervision
    counts for every module it rated). Comments are sorted, not dated, and never attributed."""
    quiz = (
        sa.select(
            Feedback.module_slug,
            sa.func.count(Feedback.id).label("responses"),
            *_means(),
        )
        .where(
            Feedback.program_id == program_id,
            Feedback.subject == FeedbackSubject.ATTEMPT,
        )
        .group_by(Feedback.module_slug)
    )
    covered = (
        sa.select(SignedRating.sign_off_id, SignedRating.module_slug)
        .where(SignedRating.program_id == program_id)
        .distinct()
        .subquery()
    )
    supervision = (
        sa.select(
            covered.c.module_slug,
            sa.func.count(Feedback.id).label("responses"),
            *_means(),
        )
        .join(covered, covered.c.sign_off_id == Feedback.sign_off_id)
        .where(Feedback.program_id == program_id)
        .group_by(covered.c.module_slug)
    )
    comments = db.session.execute(
        sa.select(
            sa.func.coalesce(Feedback.module_slug, covered.c.module_slug).label(
                "module_slug"
            ),
            Feedback.subject,
            Feedback.comment,
        )
        .outerjoin(covered, covered.c.sign_off_id == Feedback.sign_off_id)
        .where(Feedback.program_id == program_id, Feedback.comment != "")
    ).all()
    result: dict[str, ModuleFeedback] = {}
    for slug, aggregate in _aggregate_rows(quiz).items():
        result.setdefault(slug, ModuleFeedback(slug)).quiz = aggregate
    for slug, aggregate in _aggregate_rows(supervision).items():
        result.setdefault(slug, ModuleFeedback(slug)).supervision = aggregate
    for slug, subject, comment in comments:
        entry = result.get(slug)
        if entry is None:
            continue
        target = entry.quiz if subject is FeedbackSubject.ATTEMPT else entry.supervision
        target.comments.append(comment)
    for entry in result.values():
        for aggregate in (entry.quiz, entry.supervision):
            aggregate.comments = (
                sorted(aggregate.comments) if aggregate.is_shown else []
            )
    return result
