"""What an accreditation report says, streamed one trainee at a time.

Every table is read in one query ordered by trainee, and the streams are merged trainee by
trainee, so memory holds one trainee's facts at a time whatever the cohort's size. Every
decision (current or superseded, latest rating, met or not met, direct observation, module
status) comes from ``trainer.record`` (rules, records); this module only arranges it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.content.loader import Module
from trainer.content.schema import PROFESSION_WIDE_LABELS, RUBRIC_LABELS, ProfessionWide
from trainer.core.clock import today_in
from trainer.core.extensions import db
from trainer.program.catalogue import visible_modules
from trainer.program.models import Cohort, EvaluationPeriod, Program
from trainer.program.periods import minimum_levels
from trainer.record.models import (
    OBSERVATION_LABELS,
    Acknowledgement,
    Attempt,
    PracticeLog,
    SignedRating,
)
from trainer.record.records import ModuleRecord, build_record
from trainer.record.rules import (
    period_current_ratings,
    rests_on_direct_observation,
    summarise_attempts,
    superseding,
)

#: rows fetched per round trip by the streaming queries
BATCH = 500


@dataclass(frozen=True)
class Scope:
    """What one export covers: a cohort of one program, some of its periods."""

    program: Program
    cohort: Cohort
    periods: list[EvaluationPeriod]
    today: date
    #: one trainee's own record (the trainee's download); None for the whole cohort
    trainee_id: int | None = None

    def is_closed(self, period: EvaluationPeriod) -> bool:
        """A period is closed once its end date is in the past (program time)."""
        return period.ends_on is not None and period.ends_on < self.today


def scope_for(
    cohort: Cohort, period_ids: Iterable[int] = (), *, trainee_id: int | None = None
) -> Scope:
    """The export scope; ``period_ids`` must be periods of the cohort's program (LookupError
    naming the first that is not), none meaning all of them."""
    periods = list(
        db.session.scalars(
            sa.select(EvaluationPeriod)
            .where(EvaluationPeriod.program_id == cohort.program_id)
            .order_by(EvaluationPeriod.position)
        )
    )
    wanted = list(dict.fromkeys(period_ids))
    if wanted:
        known = {p.id: p for p in periods}
        for period_id in wanted:
            if period_id not in known:
                raise LookupError(f"No evaluation period {period_id} in this program.")
        periods = [p for p in periods if p.id in set(wanted)]
    program = cohort.program
    return Scope(program, cohort, periods, today_in(program.timezone), trainee_id)


@dataclass(frozen=True)
class Correction:
    rating: SignedRating
    superseded: SignedRating | None


@dataclass
class PeriodReport:
    period: EvaluationPeriod
    is_closed: bool
    modules: dict[str, ModuleRecord]
    #: logs per (module, competency) practised in the period's window
    log_counts: Counter
    #: whether any current rating of the period rests on direct observation (record.rules)
    rests_on_direct_observation: bool
    has_ratings: bool


@dataclass
class TraineeReport:
    trainee: User
    periods: list[PeriodReport]
    attempts: list[Attempt]
    knowledge: dict[str, Any]
    statuses: dict[str, str]
    corrections: list[Correction]
    acknowledgements: dict[int, Acknowledgement]


@dataclass
class CohortSummary:
    """Per period: trainees meeting each competency's MLA, each profession-wide competency's
    (every competency mapped to it met), evaluations resting on direct observation, and the
    trainees short of an MLA once the period is closed."""

    trainees: int = 0
    met: Counter = field(default_factory=Counter)
    pwc_met: Counter = field(default_factory=Counter)
    evaluations: Counter = field(default_factory=Counter)
    direct: Counter = field(default_factory=Counter)
    #: (period id, trainee name, trainee id, short competencies as "module/competency") per trainee
    shortfalls: list[tuple[int, str, int, str]] = field(default_factory=list)


def competency_index(modules: list[Module]) -> list[tuple[ProfessionWide, Module, Any]]:
    """(profession-wide competency, module, competency), organised by profession-wide
    competency in the order APA lists them, then module and competency."""
    rows = []
    order = list(ProfessionWide)
    for module in modules:
        for competency in module.meta.competencies:
            for pwc in competency.profession_wide:
                rows.append((pwc, module, competency))
    rows.sort(key=lambda r: order.index(r[0]))
    return rows


def level_label(level: int | None) -> str:
    return RUBRIC_LABELS.get(level, "") if level is not None else ""


def pwc_label(pwc: ProfessionWide) -> str:
    return PROFESSION_WIDE_LABELS[pwc]


def observation_label(observation) -> str:
    return OBSERVATION_LABELS[observation] if observation is not None else ""


def _stream(query: sa.Select) -> Iterator:
    """The rows in batches; the cursor is closed when the rows run out or the reader stops
    early (PostgreSQL streams through a server-side cursor)."""
    result = db.session.scalars(query.execution_options(yield_per=BATCH))
    try:
        yield from result
    finally:
        result.close()


def _grouped(rows: Iterator, key) -> Iterator[tuple[int, list]]:
    for trainee_id, group in itertools.groupby(rows, key=key):
        yield trainee_id, list(group)


class _Merge:
    """Hands out, trainee by trainee, the rows of a stream ordered by trainee id."""

    def __init__(self, groups: Iterator[tuple[int, list]]):
        self._groups = groups
        self._next = next(groups, None)

    def take(self, trainee_id: int) -> list:
        while self._next is not None and self._next[0] < trainee_id:
            self._next = next(self._groups, None)
        if self._next is not None and self._next[0] == trainee_id:
            rows = self._next[1]
            self._next = next(self._groups, None)
            return rows
        return []


def _trainee_filter(scope: Scope) -> list:
    conditions = [User.cohort_id == scope.cohort.id, User.role == Role.TRAINEE]
    if scope.trainee_id is not None:
        conditions.append(User.id == scope.trainee_id)
    return conditions


def _in_window(period: EvaluationPeriod, day: date) -> bool:
    return (period.starts_on is None or period.starts_on <= day) and (
        period.ends_on is None or day <= period.ends_on
    )


def trainee_reports(scope: Scope, summary: CohortSummary) -> Iterator[TraineeReport]:
    """One report per trainee of the cohort, in id order, adding each to ``summary``. Six
    streaming queries (trainees, ratings, logs, attempts, acknowledgements) plus the MLAs."""
    levels = minimum_levels(scope.program.id)
    in_cohort = sa.select(User.id).where(*_trainee_filter(scope))
    trainees = _stream(sa.select(User).where(*_trainee_filter(scope)).order_by(User.id))
    ratings = _Merge(
        _grouped(
            _stream(
                sa.select(SignedRating)
                .where(SignedRating.trainee_id.in_(in_cohort))
                .order_by(SignedRating.trainee_id, SignedRating.id)
            ),
            key=lambda r: r.trainee_id,
        )
    )
    logs = _Merge(
        _grouped(
            _stream(
                sa.select(PracticeLog)
                .where(PracticeLog.trainee_id.in_(in_cohort))
                .order_by(PracticeLog.trainee_id, PracticeLog.id)
            ),
            key=lambda r: r.trainee_id,
        )
    )
    attempts = _Merge(
        _grouped(
            _stream(
                sa.select(Attempt)
                .where(Attempt.trainee_id.in_(in_cohort))
                .order_by(Attempt.trainee_id, Attempt.module_slug, Attempt.number)
            ),
            key=lambda r: r.trainee_id,
        )
    )
    acknowledgements = _Merge(
        _grouped(
            _stream(
                sa.select(Acknowledgement)
                .where(Acknowledgement.trainee_id.in_(in_cohort))
                .order_by(Acknowledgement.trainee_id, Acknowledgement.id)
            ),
            key=lambda r: r.trainee_id,
        )
    )
    for trainee in trainees:
        report = _trainee_report(
            scope,
            trainee,
            levels,
            ratings.take(trainee.id),
            logs.take(trainee.id),
            attempts.take(trainee.id),
            acknowledgements.take(trainee.id),
        )
        _add_to_summary(summary, report)
        yield report


def _trainee_report(
    scope: Scope,
    trainee: User,
    levels: dict,
    ratings: list[SignedRating],
    logs: list[PracticeLog],
    attempts: list[Attempt],
    acknowledgements: list[Acknowledgement],
) -> TraineeReport:
    knowledge = summarise_attempts(attempts)
    overall = build_record(
        trainee, ratings=ratings, logs=logs, levels=levels, knowledge=knowledge
    )
    periods = []
    for period in scope.periods:
        current = period_current_ratings(ratings, period.id)
        period_logs = [log for log in logs if _in_window(period, log.practised_on)]
        record = build_record(
            trainee,
            ratings=current,
            logs=period_logs,
            levels=levels,
            knowledge=knowledge,
        )
        replaced = superseding(period_logs)
        counts = Counter(
            (log.module_slug, log.competency_id)
            for log in period_logs
            if log.id not in replaced
        )
        periods.append(
            PeriodReport(
                period=period,
                is_closed=scope.is_closed(period),
                modules=record.modules,
                log_counts=counts,
                rests_on_direct_observation=rests_on_direct_observation(current),
                has_ratings=any(r.level is not None for r in current),
            )
        )
    by_id = {r.id: r for r in ratings}
    corrections = [
        Correction(r, by_id.get(r.supersedes_id))
        for r in ratings
        if r.supersedes_id is not None
    ]
    return TraineeReport(
        trainee=trainee,
        periods=periods,
        attempts=attempts,
        knowledge=knowledge,
        statuses={slug: str(status) for slug, status in overall.statuses.items()},
        corrections=corrections,
        acknowledgements={a.sign_off_id: a for a in acknowledgements},
    )


def _add_to_summary(summary: CohortSummary, report: TraineeReport) -> None:
    summary.trainees += 1
    for period_report in report.periods:
        pid = period_report.period.id
        pwc_all: dict[ProfessionWide, bool] = {}
        short = []
        for slug, module_record in period_report.modules.items():
            for c in module_record.competencies:
                if c.is_met:
                    summary.met[(pid, slug, c.competency.id)] += 1
                else:
                    short.append(f"{slug}/{c.competency.id}")
                for pwc in c.competency.profession_wide:
                    pwc_all[pwc] = pwc_all.get(pwc, True) and c.is_met
        for pwc, met in pwc_all.items():
            summary.pwc_met[(pid, pwc)] += met
        if period_report.has_ratings:
            summary.evaluations[pid] += 1
            summary.direct[pid] += period_report.rests_on_direct_observation
        if period_report.is_closed and short:
            summary.shortfalls.append(
                (pid, report.trainee.name, report.trainee.id, ", ".join(short))
            )


def program_modules(scope: Scope, sample: User | None = None) -> list[Module]:
    """The modules the program's framework shows (the catalogue's own choice)."""
    probe = sample or User(program=scope.program, role=Role.TRAINEE)
    return visible_modules(probe)


def share(count: int, of: int) -> float | None:
    return round(count / of, 4) if of else None
