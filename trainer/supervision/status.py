"""Competency status and the two perspectives, computed in a fixed number of queries.

A module is ``competency verified`` for a trainee when the latest signed rating of every
competency of the module is at or above the program's minimum level of achievement (MLA) and at
least one of those ratings rests on direct observation. "Latest" means: among the signed
ratings that no correction has superseded and that carry a level ("no opportunity to observe"
records no evidence either way), the one of the latest evaluation period, then the most
recently signed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.content.loader import Module
from trainer.content.schema import RUBRIC_LABELS, Competency
from trainer.core.extensions import db
from trainer.learning.services import visible_modules
from trainer.practice.models import PracticeLog
from trainer.practice.services import latest_self_ratings, trainee_logs
from trainer.program.services import minimum_level, minimum_levels

from .models import SignedRating, SignOff

#: a difference between the self-rating and the supervisor's rating this large is marked
DIVERGENCE = 2


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


def superseding_ratings(ratings: list[SignedRating]) -> dict[int, SignedRating]:
    """{superseded rating id: the rating that corrects it}."""
    return {
        rating.supersedes_id: rating
        for rating in ratings
        if rating.supersedes_id is not None
    }


def current_ratings(ratings: list[SignedRating]) -> list[SignedRating]:
    replaced = superseding_ratings(ratings)
    return [rating for rating in ratings if rating.id not in replaced]


def _recency(rating: SignedRating) -> tuple:
    return (rating.sign_off.period.position, rating.sign_off.signed_at, rating.id)


def latest_ratings(
    ratings: list[SignedRating],
) -> tuple[dict[tuple[str, str], SignedRating], set[tuple[str, str]]]:
    """(latest current rating with a level per competency, competencies rated only "no opportunity")."""
    latest: dict[tuple[str, str], SignedRating] = {}
    unobserved: set[tuple[str, str]] = set()
    for rating in current_ratings(ratings):
        key = (rating.module_slug, rating.competency_id)
        if rating.level is None:
            unobserved.add(key)
            continue
        if key not in latest or _recency(rating) > _recency(latest[key]):
            latest[key] = rating
    return latest, unobserved - set(latest)


@dataclass(frozen=True)
class CompetencyRecord:
    module_slug: str
    competency: Competency
    minimum: int
    rating: SignedRating | None
    self_log: PracticeLog | None
    is_unobserved: bool = False

    @property
    def is_met(self) -> bool:
        return (
            self.rating is not None
            and self.rating.level is not None
            and self.rating.level >= self.minimum
        )

    @property
    def self_rating(self) -> int | None:
        return self.self_log.self_rating if self.self_log is not None else None

    @property
    def difference(self) -> int | None:
        if self.rating is None or self.rating.level is None or self.self_rating is None:
            return None
        return self.self_rating - self.rating.level

    @property
    def is_divergent(self) -> bool:
        return self.difference is not None and abs(self.difference) >= DIVERGENCE

    def missing(self) -> str | None:
        if self.is_met:
            return None
        if self.rating is None:
            reason = (
                "only “no opportunity to observe” so far"
                if self.is_unobserved
                else "no signed rating yet"
            )
        else:
            level = self.rating.level
            reason = (
                f"rated {level} ({RUBRIC_LABELS[level]}); the minimum is {self.minimum}"
            )
        return f"{self.competency.statement} — {reason}"


@dataclass
class ModuleRecord:
    module: Module
    competencies: list[CompetencyRecord] = field(default_factory=list)

    @property
    def has_direct_observation(self) -> bool:
        return any(
            c.rating is not None and c.rating.is_direct for c in self.competencies
        )

    @property
    def is_verified(self) -> bool:
        return all(c.is_met for c in self.competencies) and self.has_direct_observation

    @property
    def met(self) -> int:
        return sum(c.is_met for c in self.competencies)

    @property
    def has_activity(self) -> bool:
        return any(
            c.rating is not None or c.self_log is not None for c in self.competencies
        )

    def missing(self) -> list[str]:
        """What still stands between the module and ``competency verified`` on the skill side."""
        gaps = [gap for c in self.competencies if (gap := c.missing())]
        if not self.has_direct_observation:
            gaps.append(
                "At least one of the latest ratings must rest on direct observation."
            )
        return gaps


@dataclass
class TraineeRecord:
    modules: dict[str, ModuleRecord]

    @property
    def verified(self) -> set[str]:
        return {slug for slug, record in self.modules.items() if record.is_verified}


def build_record(
    trainee: User,
    *,
    ratings: list[SignedRating],
    logs: list[PracticeLog] | None = None,
    levels: dict[tuple[str, str], int] | None = None,
) -> TraineeRecord:
    """The trainee's record from already-loaded ratings and logs (no queries but the MLAs)."""
    levels = minimum_levels(trainee.program_id) if levels is None else levels
    latest, unobserved = latest_ratings(ratings)
    selves = latest_self_ratings(logs or [])
    modules: dict[str, ModuleRecord] = {}
    for module in visible_modules(trainee):
        record = ModuleRecord(module)
        for competency in module.meta.competencies:
            key = (module.slug, competency.id)
            record.competencies.append(
                CompetencyRecord(
                    module_slug=module.slug,
                    competency=competency,
                    minimum=minimum_level(levels, module.slug, competency.id),
                    rating=latest.get(key),
                    self_log=selves.get(key),
                    is_unobserved=key in unobserved,
                )
            )
        modules[module.slug] = record
    return TraineeRecord(modules)


def trainee_record(trainee: User) -> TraineeRecord:
    """Status, both perspectives and what is missing, per module (three queries)."""
    return build_record(
        trainee, ratings=trainee_ratings(trainee.id), logs=trainee_logs(trainee.id)
    )


def verified_modules(trainee: User) -> set[str]:
    """The slugs of the modules whose competencies are verified for ``trainee`` (two queries)."""
    if trainee.program_id is None:
        return set()
    return build_record(trainee, ratings=trainee_ratings(trainee.id), logs=[]).verified
