"""The trainee's learning: catalogue, module statuses, quiz attempts."""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.content.loader import Module, build_module
from trainer.content.schema import KIND_LABELS, LEVEL_LABELS, Kind, Level
from trainer.content.scoring import score_attempt
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.core.unit_of_work import create_once
from trainer.program.catalogue import curriculum, framework_of, visible_modules
from trainer.record.models import Attempt, ContentVersion

from .models import QuizProgress
from .quizflow import Progress, is_complete

logger = logging.getLogger(__name__)


class QuizIncomplete(TrainerError):
    pass


class AttemptOutOfOrder(TrainerError):
    status_code = 409


@dataclass(frozen=True)
class CatalogueGroup:
    kind: Kind
    level: Level
    modules: list[Module]
    #: the group's band holds one level only, so its title names the kind alone
    is_kind_only: bool = False

    @property
    def title(self) -> str:
        if self.is_kind_only:
            return KIND_LABELS[self.kind]
        return f"{KIND_LABELS[self.kind]} — {LEVEL_LABELS[self.level]}"


@dataclass(frozen=True)
class CatalogueBand:
    """Modules of one band of evidence: the effective ones (demonstrably and probably), then
    one band for each lower level, each grouped by kind."""

    key: str
    title: str
    groups: list[CatalogueGroup]

    @property
    def modules(self) -> list[Module]:
        return [module for group in self.groups for module in group.modules]


#: the bands of the catalogue, in order: (key, title, levels)
BANDS: tuple[tuple[str, str, tuple[Level, ...]], ...] = (
    (
        "effective",
        "Demonstrably and probably effective",
        (Level.DEMONSTRABLY, Level.PROBABLY),
    ),
    ("promising", "Promising: insufficient research to judge", (Level.PROMISING,)),
    (
        "insufficient",
        "Important but not yet investigated",
        (Level.INSUFFICIENT,),
    ),
)


def catalogue(user: User) -> list[CatalogueBand]:
    """The visible modules in bands of evidence, each grouped by kind (then level)."""
    framework = framework_of(user)
    grouped: dict[tuple[Kind, Level], list[Module]] = defaultdict(list)
    for module in visible_modules(user):
        grouped[(module.kind, module.meta.levels[framework])].append(module)
    bands = []
    for key, title, levels in BANDS:
        groups = [
            CatalogueGroup(kind, level, grouped[(kind, level)], len(levels) == 1)
            for kind in Kind
            for level in levels
            if grouped[(kind, level)]
        ]
        if groups:
            bands.append(CatalogueBand(key, title, groups))
    return bands


def latest_attempts(trainee: User) -> dict[str, Attempt]:
    """The newest attempt of each module, in one query (for /progress, which shows their
    competency scores: the answers and item scores stay unread until asked for)."""
    newest = (
        sa.select(Attempt.module_slug, sa.func.max(Attempt.number).label("number"))
        .where(Attempt.trainee_id == trainee.id)
        .group_by(Attempt.module_slug)
        .subquery()
    )
    attempts = db.session.scalars(
        sa.select(Attempt)
        .join(
            newest,
            sa.and_(
                Attempt.module_slug == newest.c.module_slug,
                Attempt.number == newest.c.number,
            ),
        )
        .where(Attempt.trainee_id == trainee.id)
        .options(sa.orm.defer(Attempt.answers), sa.orm.defer(Attempt.item_scores))
    )
    return {attempt.module_slug: attempt for attempt in attempts}


def attempt_history(trainee: User, slug: str) -> list[Attempt]:
    """The trainee's attempts at the module's quiz, newest first, for the history table: their
    answers and per-item scores (JSON, most of a row) stay unread until asked for."""
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.trainee_id == trainee.id, Attempt.module_slug == slug)
            .order_by(Attempt.number.desc())
            .options(
                sa.orm.defer(Attempt.answers),
                sa.orm.defer(Attempt.item_scores),
                sa.orm.defer(Attempt.competency_scores),
            )
        )
    )


def next_attempt_number(trainee: User, slug: str) -> int:
    count = db.session.scalar(
        sa.select(sa.func.count(Attempt.id)).where(
            Attempt.trainee_id == trainee.id, Attempt.module_slug == slug
        )
    )
    return (count or 0) + 1


def get_attempt(trainee: User, slug: str, number: int) -> Attempt | None:
    return db.session.scalar(
        sa.select(Attempt).where(
            Attempt.trainee_id == trainee.id,
            Attempt.module_slug == slug,
            Attempt.number == number,
        )
    )


def store_content_version(module: Module) -> ContentVersion:
    """The stored copy of this module version, created the first time it is used."""
    stored = db.session.scalar(
        sa.select(ContentVersion).where(
            ContentVersion.slug == module.slug, ContentVersion.version == module.version
        )
    )
    if stored is None:
        stored = ContentVersion(
            slug=module.slug,
            version=module.version,
            module_source=module.module_source,
            quiz_source=module.quiz_source,
        )
        db.session.add(stored)
        db.session.flush()
        record(
            "content.version_stored",
            subject=f"content:{module.slug}",
            payload={"version": module.version},
        )
    return stored


@functools.lru_cache(maxsize=256)
def _module_from_sources(
    slug: str, version: str, module_source: str, quiz_source: str
) -> Module:
    module, problems = build_module(
        f"modules/{slug}.md", module_source, f"quizzes/{slug}.yaml", quiz_source
    )
    if module is None:
        # A stored version was valid when stored; if the schema has since tightened, it is
        # still shown as it was. Problems here are a programming error, not bad input.
        raise RuntimeError(
            f"stored content {slug}@{version[:12]} no longer parses: {problems[0]}"
        )
    return module


def module_of_attempt(attempt: Attempt) -> Module:
    """The module exactly as it was when the attempt was taken."""
    current = curriculum().get(attempt.module_slug)
    stored = attempt.content_version
    if current is not None and current.version == stored.version:
        return current
    return _module_from_sources(
        stored.slug, stored.version, stored.module_source, stored.quiz_source
    )


def _new_attempt(trainee: User, module: Module, progress: Progress) -> Attempt:
    expected = next_attempt_number(trainee, module.slug)
    if progress.number != expected:
        raise AttemptOutOfOrder("This quiz page is out of date. Start the quiz again.")
    result = score_attempt(module.quiz, progress.answers)
    version = store_content_version(module)
    return Attempt(
        trainee_id=trainee.id,
        program_id=trainee.program_id,
        module_slug=module.slug,
        number=progress.number,
        content_version_id=version.id,
        answers=progress.answers,
        item_scores=result.item_scores,
        competency_scores=result.competency_scores,
        score=result.score,
        pass_mark=module.quiz.pass_mark,
        is_passed=result.is_passed,
        started_at=progress.started_at,
        submitted_at=utcnow(),
    )


def submit_attempt(
    trainee: User, module: Module, progress: Progress
) -> tuple[Attempt, bool]:
    """Record the attempt; returns (attempt, created). A resubmitted form returns the
    attempt it already recorded instead of a second one."""
    if not is_complete(module, progress):
        raise QuizIncomplete("Answer every item before you submit.")
    # Appends to the audit chain are serialised; taking that lock first also makes the
    # "already recorded?" check and the insert below atomic for concurrent submits.
    lock_chain()
    attempt, created = create_once(
        lambda: _new_attempt(trainee, module, progress),
        lambda: get_attempt(trainee, module.slug, progress.number),
    )
    forget_progress(trainee, module.slug, up_to_number=attempt.number)
    if not created:
        return attempt, False
    record(
        "attempt.submitted",
        actor=trainee,
        subject=f"attempt:{attempt.id}",
        payload={
            "module": module.slug,
            "number": attempt.number,
            "version": module.version,
            "score": attempt.score,
            "passed": attempt.is_passed,
        },
    )
    logger.info(
        "Attempt %s on %s submitted by %s (%s%%)",
        attempt.number,
        module.slug,
        trainee.id,
        attempt.score,
    )
    return attempt, True


# --- a quiz in progress -------------------------------------------------------------------


def saved_progress(trainee: User, slug: str) -> Progress | None:
    """The quiz the trainee began on this module and has not submitted, or None."""
    row = _progress_row(trainee.id, slug)
    if row is None:
        return None
    try:
        progress = Progress.from_data(row.state)
    except (KeyError, TypeError, ValueError):
        return None
    return progress if progress.trainee_id == trainee.id else None


def save_progress(trainee: User, progress: Progress) -> None:
    """Keep the trainee's answers so far (one row per trainee and module, replaced)."""
    row = _progress_row(trainee.id, progress.slug)
    if row is None:
        row = QuizProgress(trainee_id=trainee.id, module_slug=progress.slug)
        db.session.add(row)
    row.version = progress.version
    row.state = progress.to_data()
    row.updated_at = utcnow()
    db.session.flush()


def forget_progress(trainee: User, slug: str, *, up_to_number: int) -> None:
    """Remove the quiz in progress once its attempt (or a later one) is recorded."""
    row = _progress_row(trainee.id, slug)
    if row is not None and int(row.state.get("number", 0)) <= up_to_number:
        db.session.delete(row)
        db.session.flush()


def _progress_row(trainee_id: int, slug: str) -> QuizProgress | None:
    return db.session.scalar(
        sa.select(QuizProgress).where(
            QuizProgress.trainee_id == trainee_id, QuizProgress.module_slug == slug
        )
    )
