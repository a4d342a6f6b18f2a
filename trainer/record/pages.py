"""What the record's pages show, each gathered in a fixed number of queries whatever the
number of logs, attempts, ratings or trainees: the trainee's record (theirs on /progress, a
supervisor's workspace), the supervisor's list of trainees and the rating sheet of a module."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.content.loader import Module
from trainer.core.extensions import db
from trainer.program.models import EvaluationPeriod
from trainer.program.periods import minimum_levels

from .models import (
    Acknowledgement,
    Attempt,
    DraftRating,
    PracticeLog,
    SignedRating,
    SignOff,
)
from .queries import (
    acknowledged,
    status_ratings,
    supervisor_drafts,
    trainee_attempts,
    trainee_logs,
    trainee_ratings,
    trainee_sign_offs,
)
from .records import ModuleRecord, TraineeRecord, build_record
from .rules import (
    AttemptSummary,
    ModuleStatus,
    period_current_ratings,
    rests_on_direct_observation,
    summarise_attempts,
    superseding,
)


def trainee_record(trainee: User) -> TraineeRecord:
    """Status, both perspectives and what is missing, per module (three queries)."""
    return build_record(
        trainee, ratings=trainee_ratings(trainee.id), logs=trainee_logs(trainee.id)
    )


def verified_modules(trainee: User) -> set[str]:
    """The slugs of the modules whose skill side is verified for ``trainee`` (two queries)."""
    if trainee.program_id is None:
        return set()
    return build_record(trainee, ratings=status_ratings([trainee.id]), logs=[]).verified


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
    summaries = summarise_attempts(attempts)
    record = build_record(trainee, ratings=ratings, logs=logs, knowledge=summaries)
    return TraineeView(
        trainee=trainee,
        record=record,
        statuses=record.statuses,
        summaries=summaries,
        attempts=attempts,
        logs=logs,
        ratings=ratings,
        sign_offs=trainee_sign_offs(trainee.id),
        acknowledgements=acknowledged(trainee.id),
        log_superseded_by=superseding(logs),
        rating_superseded_by=superseding(ratings),
    )


def _counts(column, key, *conditions) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(key, sa.func.count(column)).where(*conditions).group_by(key)
    )
    return dict(rows.all())


@dataclass
class TraineeSummary:
    """One trainee's line on the supervisor's index; the module counts are over the modules
    the trainee's program requires."""

    trainee: User
    logs: int = 0
    drafts: int = 0
    verified: int = 0
    knowledge: int = 0
    modules: int = 0
    unacknowledged: int = 0


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
    passed_by: dict[int, dict[str, AttemptSummary]] = defaultdict(dict)
    for trainee_id, slug in passed:
        passed_by[trainee_id][slug] = AttemptSummary(attempts=1, is_passed=True)
    summaries = []
    for trainee in trainees:
        record = build_record(
            trainee,
            ratings=by_trainee[trainee.id],
            logs=[],
            levels=levels,
            knowledge=passed_by[trainee.id],
        )
        required = record.totals.required
        summaries.append(
            TraineeSummary(
                trainee=trainee,
                logs=logs.get(trainee.id, 0),
                drafts=drafts.get(trainee.id, 0),
                verified=required.verified,
                knowledge=required.knowledge,
                modules=required.modules,
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
        if self.period is None:
            return rests_on_direct_observation(drafts=self.period_drafts)
        return rests_on_direct_observation(
            period_current_ratings(self.view.ratings, self.period.id),
            self.period_drafts,
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
    period_id = period.id if period is not None else None
    signed = {
        r.competency_id: r
        for r in period_current_ratings(ratings, period_id)
        if r.module_slug == module.slug
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
        replaced_logs=superseding(logs),
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
