"""Authoring rules of docs/content-format.md that go beyond the shape of the files.

They are checked on the files in the repository (``content check`` and start-up), not when
the stored text of an old content version is read back, so tightening a rule never stops an
earlier attempt from being shown.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import itemstats
from .document import ContentProblem
from .schema import ModuleFile, QuizFile

VIGNETTE_MIN_WORDS = 60
VIGNETTE_MAX_WORDS = 150

#: first words of objectives that name a state of mind, not something a supervisor can see
NON_OBSERVABLE_VERBS = frozenset(
    {
        "appreciate",
        "be",
        "become",
        "believe",
        "comprehend",
        "grasp",
        "know",
        "learn",
        "realise",
        "realize",
        "understand",
    }
)


def authoring_problems(
    meta: ModuleFile, quiz: QuizFile
) -> Iterator[tuple[str, tuple, str]]:
    """Yield (``"module"`` or ``"quiz"``, field path, message) for every broken rule."""
    for index, objective in enumerate(meta.objectives):
        first = objective.text.split()[0].strip(".,;:").lower()
        if first in NON_OBSERVABLE_VERBS:
            yield (
                "module",
                ("objectives", index, "text"),
                f"starts with {first.capitalize()!r}, which cannot be observed; start with an "
                "observable verb such as Identify, Demonstrate or Explain",
            )
    for index, item in enumerate(quiz.items):
        words = len(item.vignette.split())
        if not VIGNETTE_MIN_WORDS <= words <= VIGNETTE_MAX_WORDS:
            yield (
                "quiz",
                ("items", index, "vignette"),
                f"has {words} words; a vignette has {VIGNETTE_MIN_WORDS}-{VIGNETTE_MAX_WORDS}",
            )


def item_writing_problems(curriculum) -> list[ContentProblem]:
    """The item-writing thresholds of :mod:`.itemstats`, one problem per broken threshold,
    for the quizzes of a loaded curriculum (field ``item-writing``, line 1 of the quiz)."""
    problems = []
    for module in sorted(curriculum, key=lambda m: m.slug):
        for message in itemstats.breaches(itemstats.figures(module.quiz)):
            problems.append(
                ContentProblem(quiz_file(module.slug), 1, "item-writing", message)
            )
    return problems


def quiz_file(slug: str) -> str:
    return f"quizzes/{slug}.yaml"
