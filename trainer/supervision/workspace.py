"""What the supervisor's pages and the trainee's record show, each gathered in a fixed number
of queries whatever the number of logs, attempts, ratings or trainees."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.content.loader import Module
from trainer.core.extensions import db
from trainer.learning.models import Attempt
from trainer.learning.services import AttemptSummary, ModuleStatus, module_statuses
from trainer.practice.models import PracticeLog
from trainer.practice.services import superseded_by, trainee_logs
from trainer.program.models import EvaluationPeriod
from trainer.program.services import minimum_levels

from .models import Acknowledgement, DraftRating, SignedRating, SignOff
from .services import supervisor_drafts
from .status import (
    ModuleRecord,
    TraineeRecord,
    build_record,
    superseding_ratings,
    trainee_ratings,
    trainee_record,
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


def summarise(attempts: list[Attempt]) -> dict[str, AttemptSummary]:
    """Attempt summaries per module, from already-loaded attempts."""
    grouped: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        grouped[attempt.module_slug].append(attempt)
    return {
        slug: AttemptSummary(
            len(items), max(a.score for a in items), any(a.is_passed for a in items)
        )
        for slug, items in grouped.items()
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


@dataclass
class TraineeView:
    """The trainee's whole record, as both the trainee and their supervisors see it."""

    trainee: User
    record: TraineeRecord
    statuses: dict[str, ModuleStatus]
    summaries: dict[str, AttemptSummary]
    attempts: list[Attempt]
    logs: list[PracticeLog]
    ratings: list[SignedRating]
    sign_offs: list[SignOff]
    acknowledgements: dict[int, Acknowledgement]
    log_superseded_by: dict[int, PracticeLog] = field(default_factory=dict)
    rating_superseded_by: dict[int, SignedRating] = field(default_factory=dict)

    @property
    def logs_by_id(self) -> dict[int, PracticeLog]:
        return {log.id: log for log in self.logs}

    @property
    def attempts_by_id(self) -> dict[int, Attempt]:
        return {attempt.id: attempt for attempt in self.attempts}

    @property
    def ratings_by_sign_off(self) -> dict[int, list[SignedRating]]:
        grouped: dict[int, list[SignedRating]] = defaultdict(list)
        for rating in self.ratings:
            grouped[rating.sign_off_id].append(rating)
        return grouped

    @property
    def unacknowledged(self) -> list[SignOff]:
        return [
            sign_off
            for sign_off in self.sign_offs
            if sign_off.id not in self.acknowledgements
        ]


def trainee_view(trainee: User) -> TraineeView:
    """Six queries, whatever the data: attempts, logs, ratings, MLAs, sign-offs, acknowledgements."""
    attempts = trainee_attempts(trainee.id)
    logs = trainee_logs(trainee.id)
    ratings = trainee_ratings(trainee.id)
    record = build_record(trainee, ratings=ratings, logs=logs)
    summaries = summarise(attempts)
    return TraineeView(
        trainee=trainee,
        record=record,
        statuses=module_statuses(trainee, summaries, record.verified),
        summaries=summaries,
        attempts=attempts,
        logs=logs,
        ratings=ratings,
        sign_offs=trainee_sign_offs(trainee.id),
        acknowledgements=acknowledged(trainee.id),
        log_superseded_by=superseded_by(logs),
        rating_superseded_by=superseding_ratings(ratings),
    )


@dataclass
class TraineeSummary:
    trainee: User
    logs: int = 0
    drafts: int = 0
    verified: int = 0
    knowledge: int = 0
    modules: int = 0
    unacknowledged: int = 0


def _counts(column, key, *conditions) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(key, sa.func.count(column)).where(*conditions).group_by(key)
    )
    return dict(rows.all())


def trainee_summaries(supervisor: User, trainees: list[User]) -> list[TraineeSummary]:
    """One line per assigned trainee (a fixed number of queries for any number of trainees)."""
    ids = [trainee.id for trainee in trainees]
    if not ids:
        return []
    logs = _counts(
        PracticeLog.id, PracticeLog.trainee_id, PracticeLog.trainee_id.in_(ids)
    )
    drafts = _counts(
        DraftRating.id,
        DraftRating.trainee_id,
        DraftRating.trainee_id.in_(ids),
        DraftRating.supervisor_id == supervisor.id,
    )
    passed = db.session.execute(
        sa.select(Attempt.trainee_id, Attempt.module_slug)
        .where(Attempt.trainee_id.in_(ids), Attempt.is_passed.is_(True))
        .distinct()
    ).all()
    ratings = list(
        db.session.scalars(
            sa.select(SignedRating)
            .join(SignOff, SignOff.id == SignedRating.sign_off_id)
            .where(SignedRating.trainee_id.in_(ids))
            .order_by(SignOff.signed_at, SignedRating.id)
        )
    )
    pending = db.session.execute(
        sa.select(SignOff.trainee_id, sa.func.count(SignOff.id))
        .outerjoin(Acknowledgement, Acknowledgement.sign_off_id == SignOff.id)
        .where(SignOff.trainee_id.in_(ids), Acknowledgement.id.is_(None))
        .group_by(SignOff.trainee_id)
    ).all()
    pending_by = dict(pending)
    levels = minimum_levels(supervisor.program_id)
    by_trainee: dict[int, list[SignedRating]] = defaultdict(list)
    for rating in ratings:
        by_trainee[rating.trainee_id].append(rating)
    passed_by: dict[int, set[str]] = defaultdict(set)
    for trainee_id, slug in passed:
        passed_by[trainee_id].add(slug)
    summaries = []
    for trainee in trainees:
        record = build_record(
            trainee, ratings=by_trainee[trainee.id], logs=[], levels=levels
        )
        knowledge = passed_by[trainee.id] & set(record.modules)
        summaries.append(
            TraineeSummary(
                trainee=trainee,
                logs=logs.get(trainee.id, 0),
                drafts=drafts.get(trainee.id, 0),
                verified=len(record.verified & knowledge),
                knowledge=len(knowledge),
                modules=len(record.modules),
                unacknowledged=pending_by.get(trainee.id, 0),
            )
        )
    return summaries


@dataclass
class Workspace:
    view: TraineeView
    periods: list[EvaluationPeriod]
    period: EvaluationPeriod | None
    drafts: list[DraftRating]

    @property
    def period_drafts(self) -> list[DraftRating]:
        return [
            d
            for d in self.drafts
            if self.period is not None and d.period_id == self.period.id
        ]

    @property
    def drafts_rest_on_direct_observation(self) -> bool:
        period_ratings = [
            r
            for r in self.view.ratings
            if self.period is not None
            and r.period_id == self.period.id
            and r.id not in self.view.rating_superseded_by
        ]
        return any(d.is_direct for d in self.period_drafts) or any(
            r.is_direct for r in period_ratings
        )


def workspace(
    supervisor: User, trainee: User, periods: list[EvaluationPeriod], period
) -> Workspace:
    return Workspace(
        view=trainee_view(trainee),
        periods=periods,
        period=period,
        drafts=supervisor_drafts(supervisor, trainee.id),
    )


@dataclass
class ModuleSheet:
    """One module of one trainee, for rating it in one period."""

    module: Module
    period: EvaluationPeriod | None
    record: ModuleRecord
    logs: list[PracticeLog]
    attempts: list[Attempt]
    #: the period's current signed rating per competency id
    signed: dict[str, SignedRating]
    #: the supervisor's draft per competency id, for the period
    drafts: dict[str, DraftRating]
    replaced_logs: dict[int, PracticeLog] = field(default_factory=dict)

    def current_logs(self, competency_id: str) -> list[PracticeLog]:
        return [
            log
            for log in self.logs
            if log.competency_id == competency_id and log.id not in self.replaced_logs
        ]


def module_sheet(
    supervisor: User, trainee: User, module: Module, period: EvaluationPeriod | None
) -> ModuleSheet:
    """Five queries: the module's logs and attempts, the trainee's ratings, the MLAs, the drafts."""
    logs = trainee_logs(trainee.id, module_slug=module.slug)
    attempts = trainee_attempts(trainee.id, module_slug=module.slug)
    ratings = trainee_ratings(trainee.id)
    newer = superseding_ratings(ratings)
    period_id = period.id if period is not None else None
    signed = {
        r.competency_id: r
        for r in ratings
        if r.period_id == period_id
        and r.module_slug == module.slug
        and r.id not in newer
    }
    drafts = db.session.scalars(
        sa.select(DraftRating).where(
            DraftRating.supervisor_id == supervisor.id,
            DraftRating.trainee_id == trainee.id,
            DraftRating.module_slug == module.slug,
            DraftRating.period_id == period_id,
        )
    )
    return ModuleSheet(
        module=module,
        period=period,
        record=build_record(trainee, ratings=ratings, logs=logs).modules[module.slug],
        logs=logs,
        attempts=attempts,
        signed=signed,
        drafts={draft.competency_id: draft for draft in drafts},
        replaced_logs=superseded_by(logs),
    )


@dataclass
class ProgressRecord:
    """The skill half of the trainee's /progress page."""

    record: TraineeRecord
    sign_offs: list[SignOff]
    acknowledgements: dict[int, Acknowledgement]

    @property
    def unacknowledged(self) -> list[SignOff]:
        return [
            sign_off
            for sign_off in self.sign_offs
            if sign_off.id not in self.acknowledgements
        ]


def progress_record(trainee: User) -> ProgressRecord:
    """Five queries: logs, ratings, MLAs, sign-offs, acknowledgements."""
    return ProgressRecord(
        record=trainee_record(trainee),
        sign_offs=trainee_sign_offs(trainee.id),
        acknowledgements=acknowledged(trainee.id),
    )
