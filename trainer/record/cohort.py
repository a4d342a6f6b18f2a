"""A whole cohort at once, for the director's heat map and a trainee's chart: every trainee's
record with the at-risk flags in a fixed number of queries, and ratings across periods."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.program.catalogue import competency_key
from trainer.program.models import EvaluationPeriod
from trainer.program.periods import minimum_levels

from .models import Attempt, PracticeLog, SignedRating
from .queries import status_ratings
from .records import TraineeRecord, build_record
from .rules import (
    AttemptSummary,
    ModuleStatus,
    current,
    period_current_ratings,
    rests_on_direct_observation,
)

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

    @cached_property
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
    ratings = status_ratings(ids)
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
