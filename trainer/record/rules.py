"""The rules of the record, as pure functions over facts already loaded: no queries here.

- **Current**: a record (a signed rating or a practice log) is current until a correction
  supersedes it; corrections reference what they supersede, nothing is edited.
- **Latest rating** of a competency: among the current signed ratings that carry a level
  ("no opportunity to observe" records no evidence either way), the one of the latest
  evaluation period, then the most recently signed.
- **Direct observation**: a period (or a module) rests on direct observation when at least one
  of its current ratings, or of the drafts about to be signed with them, was directly observed.
- **Totals**: the statuses are counted over the modules the trainee's program requires
  (``trainer.program.catalogue.required_slugs``), and separately over the optional ones.
- **Status** of a module: not started → in progress (an attempt) → knowledge demonstrated (the
  quiz passed) → competency verified (the quiz passed, and the skill side verified: the latest
  rating of every competency at or above the minimum level, at least one resting on direct
  observation).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

#: a difference between the self-rating and the supervisor's rating this large is marked
DIVERGENCE = 2

#: the gap on the knowledge side, in the words of the record
QUIZ_GAP = "Pass the scenario quiz (knowledge)."
#: the gap when no latest rating rests on direct observation
DIRECT_OBSERVATION_GAP = (
    "At least one of the latest ratings must rest on direct observation."
)


class ModuleStatus(enum.StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    KNOWLEDGE_DEMONSTRATED = "knowledge demonstrated"
    COMPETENCY_VERIFIED = "competency verified"

    @property
    def step(self) -> int:
        return list(ModuleStatus).index(self)


class Correctable(Protocol):
    id: int
    supersedes_id: int | None


class Observed(Protocol):
    @property
    def is_direct(self) -> bool: ...


C = TypeVar("C", bound=Correctable)


@dataclass(frozen=True)
class AttemptSummary:
    """The knowledge side of one module: attempts, best score, passed."""

    attempts: int = 0
    best_score: float | None = None
    is_passed: bool = False


def superseding(records: Iterable[C]) -> dict[int, C]:
    """{superseded record id: the record that corrects it}."""
    return {
        record.supersedes_id: record
        for record in records
        if record.supersedes_id is not None
    }


def current(records: Iterable[C]) -> list[C]:
    """The records that no correction has superseded, in their order."""
    records = list(records)
    replaced = superseding(records)
    return [record for record in records if record.id not in replaced]


def rating_recency(rating) -> tuple:
    return (rating.sign_off.period.position, rating.sign_off.signed_at, rating.id)


def latest_ratings(ratings: Iterable) -> tuple[dict[tuple[str, str], object], set]:
    """(latest current rating with a level per (module, competency), the competencies rated
    only "no opportunity to observe")."""
    latest: dict[tuple[str, str], object] = {}
    unobserved: set[tuple[str, str]] = set()
    for rating in current(ratings):
        key = (rating.module_slug, rating.competency_id)
        if rating.level is None:
            unobserved.add(key)
            continue
        if key not in latest or rating_recency(rating) > rating_recency(latest[key]):
            latest[key] = rating
    return latest, unobserved - set(latest)


def latest_self_ratings(logs: Iterable) -> dict[tuple[str, str], object]:
    """The newest current log per (module, competency): the trainee's latest self-rating."""
    latest: dict[tuple[str, str], object] = {}
    for log in current(logs):
        key = (log.module_slug, log.competency_id)
        best = latest.get(key)
        if best is None or (log.practised_on, log.id) > (best.practised_on, best.id):
            latest[key] = log
    return latest


def rests_on_direct_observation(
    ratings: Iterable[Observed | None] = (), drafts: Iterable[Observed] = ()
) -> bool:
    """At least one of these ratings or drafts was directly observed."""
    return any(r is not None and r.is_direct for r in ratings) or any(
        d.is_direct for d in drafts
    )


def period_current_ratings(ratings: Iterable, period_id: int | None) -> list:
    """The period's current signed ratings, from all of a trainee's ratings."""
    return [r for r in current(ratings) if r.period_id == period_id]


def module_status(knowledge: AttemptSummary, *, skill_verified: bool) -> ModuleStatus:
    if knowledge.is_passed and skill_verified:
        return ModuleStatus.COMPETENCY_VERIFIED
    if knowledge.is_passed:
        return ModuleStatus.KNOWLEDGE_DEMONSTRATED
    if knowledge.attempts:
        return ModuleStatus.IN_PROGRESS
    return ModuleStatus.NOT_STARTED


def summarise_attempts(attempts: Iterable) -> dict[str, AttemptSummary]:
    """Attempt summaries per module, from already-loaded attempts."""
    grouped: dict[str, list] = {}
    for attempt in attempts:
        grouped.setdefault(attempt.module_slug, []).append(attempt)
    return {
        slug: AttemptSummary(
            len(items), max(a.score for a in items), any(a.is_passed for a in items)
        )
        for slug, items in grouped.items()
    }


@dataclass(frozen=True)
class StatusCounts:
    """How many of a set of modules are in each status."""

    modules: int
    by_status: Mapping[ModuleStatus, int]

    def __getitem__(self, status: ModuleStatus) -> int:
        return self.by_status.get(status, 0)

    @property
    def knowledge(self) -> int:
        """Modules whose quiz is passed (knowledge demonstrated or competency verified)."""
        return self[ModuleStatus.KNOWLEDGE_DEMONSTRATED] + self.verified

    @property
    def verified(self) -> int:
        return self[ModuleStatus.COMPETENCY_VERIFIED]

    def rows(self) -> list[tuple[ModuleStatus, int]]:
        """Every status in order with its count (zeros included)."""
        return [(status, self[status]) for status in ModuleStatus]


def count_statuses(
    statuses: Mapping[str, ModuleStatus], slugs: Iterable[str]
) -> StatusCounts:
    """The statuses of the modules named by ``slugs``, counted."""
    counts: dict[ModuleStatus, int] = {}
    total = 0
    for slug in slugs:
        if slug in statuses:
            total += 1
            counts[statuses[slug]] = counts.get(statuses[slug], 0) + 1
    return StatusCounts(total, counts)


@dataclass(frozen=True)
class ModuleTotals:
    """The trainee's totals: over the required modules, and over the optional ones."""

    required: StatusCounts
    optional: StatusCounts


def module_totals(
    statuses: Mapping[str, ModuleStatus], required: set[str]
) -> ModuleTotals:
    return ModuleTotals(
        required=count_statuses(statuses, (s for s in statuses if s in required)),
        optional=count_statuses(statuses, (s for s in statuses if s not in required)),
    )
