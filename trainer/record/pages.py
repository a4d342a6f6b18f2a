"""What the record's pages show, each gathered in a fixed number of queries whatever the
number of logs, attempts, ratings or trainees: the trainee's record (theirs on /progress, a
supervisor's workspace), the supervisor's list of trainees and the rating sheet of a module."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.content.loader import Module
from trainer.core.extensions import db
from trainer.program.catalogue import competency_key
from trainer.program.models import EvaluationPeriod
from trainer.program.services import minimum_levels

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
    current,
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
    return build_record(trainee, ratings=trainee_ratings(trainee.id), logs=[]).verified


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


# --- A whole cohort at once: the director's heat map -----------------------------------------

#: a trainee with no attempt and no practice log for this long is flagged
INACTIVITY_DAYS = 30
#: failed attempts at a module's quiz, without a pass, that flag the trainee
FAILED_QUIZ_LIMIT = 2


class RiskFlag(enum.StrEnum):
    NO_DIRECT_OBSERVATION = "no direct observation yet in the current period"
    BELOW_MINIMUM = "below the minimum level after a closed period"
    QUIZ_FAILED_TWICE = "a quiz failed twice"
    INACTIVE = f"no activity for {INACTIVITY_DAYS} days"


@dataclass
class CohortRow:
    """One trainee of the heat map: the status of each module and the at-risk flags."""

    trainee: User
    record: TraineeRecord
    last_activity: datetime | None
    flags: list[RiskFlag] = field(default_factory=list)

    @property
    def statuses(self) -> dict[str, ModuleStatus]:
        return self.record.statuses

    @property
    def verified(self) -> int:
        return sum(
            s is ModuleStatus.COMPETENCY_VERIFIED for s in self.statuses.values()
        )


def current_period(
    periods: list[EvaluationPeriod], today: date
) -> EvaluationPeriod | None:
    """The open period whose window holds today, else the first open one."""
    open_periods = [p for p in periods if p.closed_at is None]
    for period in open_periods:
        if (period.starts_on is None or period.starts_on <= today) and (
            period.ends_on is None or today <= period.ends_on
        ):
            return period
    return open_periods[0] if open_periods else None


def _flags(
    record: TraineeRecord,
    ratings: list[SignedRating],
    failed: dict[str, int],
    last_activity: datetime | None,
    periods: list[EvaluationPeriod],
    today: date,
    now: datetime,
) -> list[RiskFlag]:
    flags = []
    period = current_period(periods, today)
    if period is not None and not rests_on_direct_observation(
        period_current_ratings(ratings, period.id)
    ):
        flags.append(RiskFlag.NO_DIRECT_OBSERVATION)
    closed = [p for p in periods if p.closed_at is not None]
    if closed:
        last_closed = max(closed, key=lambda p: p.position)
        minimums = {
            (c.module_slug, c.competency.id): c.minimum
            for m in record.modules.values()
            for c in m.competencies
        }
        for rating in period_current_ratings(ratings, last_closed.id):
            minimum = rating.minimum_level or minimums.get(
                (rating.module_slug, rating.competency_id)
            )
            if rating.level is not None and minimum and rating.level < minimum:
                flags.append(RiskFlag.BELOW_MINIMUM)
                break
    if any(
        count >= FAILED_QUIZ_LIMIT
        and not (record.modules[slug].knowledge or AttemptSummary()).is_passed
        for slug, count in failed.items()
        if slug in record.modules
    ):
        flags.append(RiskFlag.QUIZ_FAILED_TWICE)
    if last_activity is None or now - last_activity > timedelta(days=INACTIVITY_DAYS):
        flags.append(RiskFlag.INACTIVE)
    return flags


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back aggregates of timestamps without their zone: they are UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def for_trainees(
    trainees: list[User],
    *,
    program_id: int,
    periods: list[EvaluationPeriod],
    today: date,
    now: datetime,
) -> list[CohortRow]:
    """The record of every trainee given, with the at-risk flags, in four queries whatever
    the number of trainees: attempt summaries, signed ratings, last practice logs, MLAs. The
    statuses are ``build_record``'s, so they are the ones each trainee sees on /progress."""
    ids = [trainee.id for trainee in trainees]
    if not ids:
        return []
    attempts = db.session.execute(
        sa.select(
            Attempt.trainee_id,
            Attempt.module_slug,
            sa.func.count(Attempt.id),
            sa.func.max(Attempt.score),
            sa.func.max(sa.case((Attempt.is_passed, 1), else_=0)),
            sa.func.sum(sa.case((Attempt.is_passed, 0), else_=1)),
            sa.func.max(Attempt.submitted_at),
        )
        .where(Attempt.trainee_id.in_(ids))
        .group_by(Attempt.trainee_id, Attempt.module_slug)
    ).all()
    ratings = list(
        db.session.scalars(
            sa.select(SignedRating)
            .join(SignOff, SignOff.id == SignedRating.sign_off_id)
            .where(SignedRating.trainee_id.in_(ids))
            .order_by(SignOff.signed_at, SignedRating.id)
        )
    )
    last_logs = dict(
        db.session.execute(
            sa.select(PracticeLog.trainee_id, sa.func.max(PracticeLog.created_at))
            .where(PracticeLog.trainee_id.in_(ids))
            .group_by(PracticeLog.trainee_id)
        ).all()
    )
    levels = minimum_levels(program_id)
    knowledge: dict[int, dict[str, AttemptSummary]] = defaultdict(dict)
    failed: dict[int, dict[str, int]] = defaultdict(dict)
    last_attempt: dict[int, datetime] = {}
    for trainee_id, slug, count, best, passed, fails, latest in attempts:
        knowledge[trainee_id][slug] = AttemptSummary(count, best, bool(passed))
        failed[trainee_id][slug] = int(fails or 0)
        latest = _aware(latest)
        if trainee_id not in last_attempt or latest > last_attempt[trainee_id]:
            last_attempt[trainee_id] = latest
    by_trainee: dict[int, list[SignedRating]] = defaultdict(list)
    for rating in ratings:
        by_trainee[rating.trainee_id].append(rating)
    rows = []
    for trainee in trainees:
        record = build_record(
            trainee,
            ratings=by_trainee[trainee.id],
            logs=[],
            levels=levels,
            knowledge=knowledge[trainee.id],
        )
        moments = [
            m
            for m in (last_attempt.get(trainee.id), _aware(last_logs.get(trainee.id)))
            if m is not None
        ]
        last_activity = max(moments) if moments else None
        rows.append(
            CohortRow(
                trainee=trainee,
                record=record,
                last_activity=last_activity,
                flags=_flags(
                    record,
                    by_trainee[trainee.id],
                    failed[trainee.id],
                    last_activity,
                    periods,
                    today,
                    now,
                ),
            )
        )
    return rows


@dataclass
class RatingPoint:
    period: EvaluationPeriod
    level: int | None


def ratings_across_periods(
    ratings: list[SignedRating], periods: list[EvaluationPeriod]
) -> dict[tuple[str, str], list[RatingPoint]]:
    """Per (module, competency) with a signed level: the current rating's level in each
    period, in the periods' order (None where the period has none)."""
    per_period: dict[tuple[str, str, int], int] = {}
    for rating in current(ratings):
        if rating.level is not None:
            per_period[(rating.module_slug, rating.competency_id, rating.period_id)] = (
                rating.level
            )
    keys = sorted(
        {(slug, comp) for slug, comp, _ in per_period},
        key=lambda key: competency_key(*key),
    )
    return {
        key: [RatingPoint(p, per_period.get((*key, p.id))) for p in periods]
        for key in keys
    }
