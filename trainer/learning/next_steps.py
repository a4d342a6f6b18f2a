"""The trainee's "What to do next": a short, ordered list at the top of their home, in words.

In order: signed evaluations waiting to be acknowledged, a quiz begun and not submitted, the
next module whose quiz is not passed (catalogue order), practice to log in the current
evaluation period. Four queries whatever the data (sign-offs, quiz progress, the program's
periods, the period's practice logs); the statuses come from the catalogue page."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for

from trainer.auth.models import User
from trainer.content.loader import Module
from trainer.core.extensions import db
from trainer.program.models import EvaluationPeriod
from trainer.program.services import program_today
from trainer.record.models import Acknowledgement, PracticeLog, SignOff
from trainer.record.rules import ModuleStatus

from .models import QuizProgress

#: statuses whose quiz is passed
PASSED = frozenset(
    {ModuleStatus.KNOWLEDGE_DEMONSTRATED, ModuleStatus.COMPETENCY_VERIFIED}
)


@dataclass(frozen=True)
class NextStep:
    """One thing to do: a sentence, and a link that does it."""

    text: str
    link_text: str
    url: str


def _unacknowledged(trainee: User) -> list[SignOff]:
    return list(
        db.session.scalars(
            sa.select(SignOff)
            .outerjoin(Acknowledgement, Acknowledgement.sign_off_id == SignOff.id)
            .where(SignOff.trainee_id == trainee.id, Acknowledgement.id.is_(None))
            .order_by(SignOff.signed_at, SignOff.id)
        )
    )


def _evaluations(trainee: User) -> list[NextStep]:
    waiting = _unacknowledged(trainee)
    if not waiting:
        return []
    first = waiting[0]
    text = (
        f"{first.signer_name} signed your {first.period.name} evaluation."
        if len(waiting) == 1
        else f"{len(waiting)} signed evaluations are waiting for you, the first by "
        f"{first.signer_name} ({first.period.name})."
    )
    return [
        NextStep(
            text + " Read it and acknowledge it.",
            "Go to my progress",
            url_for("progress.index"),
        )
    ]


def _quiz_in_progress(trainee: User, by_slug: dict[str, Module]) -> Module | None:
    slugs = db.session.scalars(
        sa.select(QuizProgress.module_slug)
        .where(QuizProgress.trainee_id == trainee.id)
        .order_by(QuizProgress.updated_at.desc(), QuizProgress.id.desc())
    )
    return next((by_slug[slug] for slug in slugs if slug in by_slug), None)


def _current_period(trainee: User) -> EvaluationPeriod | None:
    """The program's open period whose dates hold today (None without one)."""
    if trainee.program_id is None:
        return None
    today = program_today(trainee)
    periods = db.session.scalars(
        sa.select(EvaluationPeriod)
        .where(
            EvaluationPeriod.program_id == trainee.program_id,
            EvaluationPeriod.closed_at.is_(None),
        )
        .order_by(EvaluationPeriod.position)
    )
    return next(
        (
            p
            for p in periods
            if p.starts_on is not None
            and p.ends_on is not None
            and p.starts_on <= today <= p.ends_on
        ),
        None,
    )


def _practice(
    trainee: User, order: list[Module], statuses: dict[str, ModuleStatus]
) -> list[NextStep]:
    """The first competency of a passed, not yet verified module with no practice logged in
    the current period."""
    period = _current_period(trainee)
    if period is None:
        return []
    logged = set(
        db.session.execute(
            sa.select(PracticeLog.module_slug, PracticeLog.competency_id)
            .where(
                PracticeLog.trainee_id == trainee.id,
                PracticeLog.practised_on >= period.starts_on,
                PracticeLog.practised_on <= period.ends_on,
            )
            .distinct()
        ).all()
    )
    for module in order:
        if statuses.get(module.slug) is not ModuleStatus.KNOWLEDGE_DEMONSTRATED:
            continue
        for competency in module.meta.competencies:
            if (module.slug, competency.id) not in logged:
                return [
                    NextStep(
                        f"Nothing is logged yet in {period.name} for \u201c"
                        f"{competency.statement}\u201d ({module.title}). Log your practice "
                        "so that your supervisor can rate it.",
                        "Log practice",
                        url_for(
                            "practice.index",
                            competency=f"{module.slug}/{competency.id}",
                        ),
                    )
                ]
    return []


def next_steps(
    trainee: User, order: list[Module], statuses: dict[str, ModuleStatus]
) -> list[NextStep]:
    """What the trainee should do next, most urgent first; ``order`` is the catalogue's
    modules in catalogue order, ``statuses`` their statuses."""
    by_slug = {module.slug: module for module in order}
    steps = _evaluations(trainee)
    resumed = _quiz_in_progress(trainee, by_slug)
    if resumed is not None:
        steps.append(
            NextStep(
                f"You began the quiz of \u201c{resumed.title}\u201d and have not "
                "submitted it.",
                f"Resume the quiz of {resumed.title}",
                url_for("learning.take_quiz", slug=resumed.slug),
            )
        )
    upcoming = next(
        (
            m
            for m in order
            if statuses.get(m.slug) not in PASSED
            and (resumed is None or m.slug != resumed.slug)
        ),
        None,
    )
    if upcoming is not None:
        started = statuses.get(upcoming.slug) is ModuleStatus.IN_PROGRESS
        steps.append(
            NextStep(
                f"Next module: \u201c{upcoming.title}\u201d. "
                + (
                    "Its quiz is not passed yet: read the module again and retake it."
                    if started
                    else "Read it, then take its scenario quiz."
                ),
                f"Open {upcoming.title}",
                url_for("learning.module_page", slug=upcoming.slug),
            )
        )
    return steps + _practice(trainee, order, statuses)
