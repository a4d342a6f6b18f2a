"""The supervisor's workspace: who may see what, and draft ratings.

Every loader takes the acting user and returns None for anything outside their reach, so that
views answer 404 whether the object is missing or someone else's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.content.loader import Module
from trainer.content.schema import Competency
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.privacy.check import check_deidentified
from trainer.program.models import EvaluationPeriod
from trainer.record.access import Action, trainee_in_reach
from trainer.record.models import (
    Attempt,
    DraftRating,
    Observation,
    PracticeLog,
)
from trainer.record.queries import current_signed

logger = logging.getLogger(__name__)


class SupervisionError(TrainerError):
    pass


class NotAssigned(SupervisionError):
    status_code = 404


class RatingIncomplete(SupervisionError):
    status_code = 422


class AlreadySigned(SupervisionError):
    status_code = 409


@dataclass(frozen=True)
class RatingInput:
    """A rating as the supervisor enters it; ``level`` None is "no opportunity to observe"."""

    level: int | None
    comment: str = ""
    observation: Observation | None = None
    observed_on: date | None = None
    evidence_log_ids: list[int] = field(default_factory=list)
    evidence_attempt_ids: list[int] = field(default_factory=list)


# --- access -------------------------------------------------------------------------------


def require_assigned(
    supervisor: User, trainee_id: int, action: Action = Action.RATE
) -> User:
    """The trainee, if ``supervisor`` may ``action`` their record; else NotAssigned."""
    trainee = trainee_in_reach(supervisor, trainee_id, action)
    if trainee is None:
        raise NotAssigned("There is no such trainee among yours.")
    return trainee


def period_of_program(
    program_id: int | None, period_id: int | None
) -> EvaluationPeriod | None:
    if period_id is None:
        return None
    return db.session.scalar(
        sa.select(EvaluationPeriod).where(
            EvaluationPeriod.id == period_id, EvaluationPeriod.program_id == program_id
        )
    )


def default_period(
    periods: list[EvaluationPeriod], today: date
) -> EvaluationPeriod | None:
    """The period whose window contains today, else the first."""
    for period in periods:
        if period.starts_on is None and period.ends_on is None:
            continue
        if (period.starts_on is None or period.starts_on <= today) and (
            period.ends_on is None or today <= period.ends_on
        ):
            return period
    return periods[0] if periods else None


# --- drafts -------------------------------------------------------------------------------


def check_rating(data: RatingInput, *, today: date) -> None:
    if data.level is not None and not 1 <= data.level <= 5:
        raise RatingIncomplete(
            "Choose a level from 1 to 5, or “no opportunity to observe”."
        )
    if data.level is not None and (
        data.observation is None or data.observed_on is None
    ):
        raise RatingIncomplete("Say how you observed the practice and when.")
    if data.observed_on is not None and data.observed_on > today:
        raise RatingIncomplete("The date observed cannot be in the future.")
    check_deidentified(comment=data.comment)


def check_evidence(trainee: User, module_slug: str, data: RatingInput) -> None:
    """Evidence must be the trainee's own logs and attempts for this module (one query each)."""
    if data.evidence_log_ids:
        found = set(
            db.session.scalars(
                sa.select(PracticeLog.id).where(
                    PracticeLog.id.in_(data.evidence_log_ids),
                    PracticeLog.trainee_id == trainee.id,
                    PracticeLog.module_slug == module_slug,
                )
            )
        )
        if found != set(data.evidence_log_ids):
            raise RatingIncomplete(
                "Link only this trainee's practice logs for this module."
            )
    if data.evidence_attempt_ids:
        found = set(
            db.session.scalars(
                sa.select(Attempt.id).where(
                    Attempt.id.in_(data.evidence_attempt_ids),
                    Attempt.trainee_id == trainee.id,
                    Attempt.module_slug == module_slug,
                )
            )
        )
        if found != set(data.evidence_attempt_ids):
            raise RatingIncomplete(
                "Link only this trainee's quiz attempts for this module."
            )


def _draft_payload(draft: DraftRating) -> dict:
    return {
        "trainee_id": draft.trainee_id,
        "period_id": draft.period_id,
        "module": draft.module_slug,
        "competency": draft.competency_id,
        "level": draft.level,
        "observation": draft.observation.value if draft.observation else None,
        "observed_on": draft.observed_on.isoformat() if draft.observed_on else None,
        "evidence_logs": sorted(draft.evidence_log_ids),
        "evidence_attempts": sorted(draft.evidence_attempt_ids),
    }


def save_draft(
    supervisor: User,
    trainee: User,
    period: EvaluationPeriod,
    module: Module,
    competency: Competency,
    data: RatingInput,
    *,
    today: date,
) -> DraftRating:
    """Create or update the supervisor's draft rating of one competency for one period."""
    require_assigned(supervisor, trainee.id)
    if period.program_id != trainee.program_id:
        raise NotAssigned("There is no such evaluation period in this program.")
    check_rating(data, today=today)
    check_evidence(trainee, module.slug, data)
    lock_chain()
    if current_signed(trainee.id, period.id, module.slug, competency.id) is not None:
        raise AlreadySigned(
            f"This competency is already signed for {period.name}; correct the signed rating instead."
        )
    draft = db.session.scalar(
        sa.select(DraftRating).where(
            DraftRating.supervisor_id == supervisor.id,
            DraftRating.trainee_id == trainee.id,
            DraftRating.period_id == period.id,
            DraftRating.module_slug == module.slug,
            DraftRating.competency_id == competency.id,
        )
    )
    created = draft is None
    if draft is None:
        draft = DraftRating(
            program_id=trainee.program_id,
            supervisor_id=supervisor.id,
            trainee_id=trainee.id,
            period_id=period.id,
            module_slug=module.slug,
            competency_id=competency.id,
        )
        db.session.add(draft)
    draft.content_version = module.version
    draft.level = data.level
    draft.comment = (data.comment or "").strip()
    draft.observation = data.observation
    draft.observed_on = data.observed_on
    draft.evidence_log_ids = sorted(set(data.evidence_log_ids))
    draft.evidence_attempt_ids = sorted(set(data.evidence_attempt_ids))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise AlreadySigned(
            "This draft was just saved elsewhere; reload the page."
        ) from error
    record(
        "supervision.draft_saved",
        actor=supervisor,
        subject=f"draft-rating:{draft.id}",
        payload={**_draft_payload(draft), "created": created},
    )
    logger.info("Draft rating %s saved by %s", draft.id, supervisor.id)
    return draft


def _same_as_draft(draft: DraftRating, data: RatingInput) -> bool:
    return (
        draft.level == data.level
        and draft.comment == (data.comment or "").strip()
        and draft.observation == data.observation
        and draft.observed_on == data.observed_on
        and list(draft.evidence_log_ids) == sorted(set(data.evidence_log_ids))
        and list(draft.evidence_attempt_ids) == sorted(set(data.evidence_attempt_ids))
    )


def save_drafts(
    supervisor: User,
    trainee: User,
    period: EvaluationPeriod,
    module: Module,
    entries: list[tuple[Competency, RatingInput]],
    *,
    today: date,
) -> list[DraftRating]:
    """Save the drafts of several competencies of one module at once (the rating page's one
    form); a draft that the form sends back unchanged is left alone and not audited again."""
    existing = {
        draft.competency_id: draft
        for draft in db.session.scalars(
            sa.select(DraftRating).where(
                DraftRating.supervisor_id == supervisor.id,
                DraftRating.trainee_id == trainee.id,
                DraftRating.period_id == period.id,
                DraftRating.module_slug == module.slug,
            )
        )
    }
    saved = []
    for competency, data in entries:
        draft = existing.get(competency.id)
        if draft is not None and _same_as_draft(draft, data):
            continue
        saved.append(
            save_draft(
                supervisor, trainee, period, module, competency, data, today=today
            )
        )
    return saved


def discard_draft(supervisor: User, draft: DraftRating) -> None:
    if draft.supervisor_id != supervisor.id:
        raise NotAssigned("There is no such draft among yours.")
    payload = _draft_payload(draft)
    draft_id = draft.id
    db.session.delete(draft)
    db.session.flush()
    record(
        "supervision.draft_discarded",
        actor=supervisor,
        subject=f"draft-rating:{draft_id}",
        payload=payload,
    )
    logger.info("Draft rating %s discarded by %s", draft_id, supervisor.id)
