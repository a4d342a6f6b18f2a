"""The competency record of one trainee, built from facts already loaded (see ``rules``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from trainer.auth.models import User
from trainer.content.loader import Module
from trainer.content.schema import RUBRIC_LABELS, Competency
from trainer.program.catalogue import required_slugs, visible_modules
from trainer.program.periods import minimum_level, minimum_levels

from .models import PracticeLog, SignedRating
from .rules import (
    DIRECT_OBSERVATION_GAP,
    DIVERGENCE,
    QUIZ_GAP,
    AttemptSummary,
    ModuleStatus,
    ModuleTotals,
    latest_ratings,
    latest_self_ratings,
    module_status,
    module_totals,
    rests_on_direct_observation,
)


@dataclass(frozen=True)
class CompetencyRecord:
    module_slug: str
    competency: Competency
    minimum: int
    rating: SignedRating | None
    self_log: PracticeLog | None
    is_unobserved: bool = False

    # frozen, so what it derives is kept on first use (the perspectives table asks each
    # value several times a row)
    @cached_property
    def minimum_in_force(self) -> int:
        """The minimum the latest rating is judged against: the one in force when it was
        signed (kept on the rating), so that changing a minimum level later never changes a
        status already verified; the program's current minimum otherwise."""
        kept = getattr(self.rating, "minimum_level", None)
        return kept if kept is not None else self.minimum

    @cached_property
    def is_met(self) -> bool:
        return (
            self.rating is not None
            and self.rating.level is not None
            and self.rating.level >= self.minimum_in_force
        )

    @cached_property
    def self_rating(self) -> int | None:
        return self.self_log.self_rating if self.self_log is not None else None

    @cached_property
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
            reason = f"rated {level} ({RUBRIC_LABELS[level]}); the minimum is {self.minimum_in_force}"
        return f"{self.competency.statement} — {reason}"


@dataclass
class ModuleRecord:
    module: Module
    competencies: list[CompetencyRecord] = field(default_factory=list)

    #: the knowledge side, when the caller loaded it
    knowledge: AttemptSummary | None = None

    # A record is built once from loaded facts and never changed afterwards, so what it
    # derives is computed on first use and kept: the heat map asks each status many times.
    @cached_property
    def has_direct_observation(self) -> bool:
        return rests_on_direct_observation(c.rating for c in self.competencies)

    @cached_property
    def is_verified(self) -> bool:
        """The skill side: every competency met, at least one rating directly observed."""
        return all(c.is_met for c in self.competencies) and self.has_direct_observation

    @cached_property
    def status(self) -> ModuleStatus:
        return module_status(
            self.knowledge or AttemptSummary(), skill_verified=self.is_verified
        )

    @cached_property
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
            gaps.append(DIRECT_OBSERVATION_GAP)
        return gaps

    def gaps(self) -> list[str]:
        """Everything between the module and ``competency verified``, knowledge first."""
        knowledge = [] if (self.knowledge and self.knowledge.is_passed) else [QUIZ_GAP]
        return knowledge + self.missing()


@dataclass
class TraineeRecord:
    modules: dict[str, ModuleRecord]
    #: the slugs of the modules the trainee's program requires
    required: set[str] = field(default_factory=set)

    @cached_property
    def verified(self) -> set[str]:
        """The modules whose skill side is verified (see ``ModuleRecord.is_verified``)."""
        return {slug for slug, record in self.modules.items() if record.is_verified}

    @cached_property
    def statuses(self) -> dict[str, ModuleStatus]:
        return {slug: record.status for slug, record in self.modules.items()}

    @property
    def totals(self) -> ModuleTotals:
        return module_totals(self.statuses, self.required)


def build_record(
    trainee: User,
    *,
    ratings: list[SignedRating],
    logs: list[PracticeLog] | None = None,
    levels: dict[tuple[str, str], int] | None = None,
    knowledge: dict[str, AttemptSummary] | None = None,
) -> TraineeRecord:
    """The trainee's record from already-loaded ratings, logs and attempt summaries (no
    queries but the MLAs when ``levels`` is not given)."""
    levels = minimum_levels(trainee.program_id) if levels is None else levels
    latest, unobserved = latest_ratings(ratings)
    selves = latest_self_ratings(logs or [])
    modules: dict[str, ModuleRecord] = {}
    for module in visible_modules(trainee):
        record = ModuleRecord(
            module,
            knowledge=(knowledge or {}).get(module.slug, AttemptSummary())
            if knowledge is not None
            else None,
        )
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
    return TraineeRecord(modules, required=required_slugs(trainee))


def module_statuses(
    trainee: User, summaries: dict[str, AttemptSummary], verified: set[str]
) -> dict[str, ModuleStatus]:
    """The status of each visible module, from the knowledge summaries and the modules whose
    skill side is verified."""
    return {
        module.slug: module_status(
            summaries.get(module.slug, AttemptSummary()),
            skill_verified=module.slug in verified,
        )
        for module in visible_modules(trainee)
    }
