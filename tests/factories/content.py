"""A minimal valid module and quiz, as plain data, so a test can break one thing at a time.

``module_data()`` and ``quiz_data()`` return fresh dictionaries; ``module_text()`` and
``quiz_text()`` turn them into file text; ``write_content()`` writes both files under a
content root; ``build()`` parses them into a :class:`trainer.content.loader.Module`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from trainer.content.loader import Module, build_module

SLUG = "sample"
BODY = "## What it is\n\nA short teaching text with *emphasis*.\n"

#: 79 words, within the 60-150 a vignette may have
VIGNETTE = " ".join(
    ["Ana, 34, is seen in a community clinic for low mood after losing her job."] * 4
    + ["In the fourth session she falls silent and looks at the floor for a while."]
    + ["What do you do?"]
)


def _anchors(competency: str) -> dict[str, str]:
    return {
        str(level): f"Level {level} behaviour for {competency}."
        for level in range(1, 6)
    }


def module_data(slug: str = SLUG) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": "Sample module",
        "kind": "element",
        "levels": {"apa-2011": "demonstrably"},
        "summary": "A module that exists to be broken one field at a time.",
        "ce_minutes": 30,
        "objectives": [
            {"id": "o1", "text": "Identify the feeling in a client statement."},
            {"id": "o2", "text": "Demonstrate a tentative reflection."},
            {"id": "o3", "text": "Explain what the evidence does not show."},
        ],
        "competencies": [
            {
                "id": competency,
                "statement": f"Shows {competency} in session.",
                "profession_wide": ["intervention"],
                "anchors": _anchors(competency),
            }
            for competency in ("c1", "c2", "c3")
        ],
        "evidence": {
            "framework": "apa-2011",
            "summary": "A meta-analysis related the element to outcome.",
            "statistics": [
                {"label": "Studies", "metric": "k", "value": "59", "source": "ref1"},
            ],
            "interpretation": "A correlation; it does not show cause.",
        },
        "references": [
            {
                "id": "ref1",
                "citation": "Author, A. (2011). Title. *Journal, 1*(1), 1-2.",
            },
        ],
    }


def _options(count: int, keyed: set[str], order: str = "") -> list[dict[str, Any]]:
    """``count`` options a, b, c, ... listed in ``order`` (default: alphabetical)."""
    options = []
    for letter in order or "abcdef"[:count]:
        option = {
            "id": letter,
            "text": f"Option {letter}.",
            "feedback": f"Feedback {letter}.",
        }
        if letter in keyed:
            option["correct"] = True
        options.append(option)
    return options


def single_item(
    item_id: str, competency: str, objective: str, keyed: str = "a", order: str = ""
) -> dict:
    return {
        "id": item_id,
        "type": "single",
        "competency": competency,
        "objective": objective,
        "vignette": VIGNETTE,
        "rationale": "Because the keyed option does what the competency asks.",
        "question": "What do you say?",
        "options": _options(4, {keyed}, order),
    }


def multiple_item(
    item_id: str,
    competency: str,
    objective: str,
    keyed=("a", "b"),
    select: Any = 2,
    order: str = "",
) -> dict:
    return {
        **single_item(item_id, competency, objective),
        "type": "multiple",
        "select": select,
        "options": _options(5, set(keyed), order),
    }


def branching_item(item_id: str, competency: str, objective: str) -> dict:
    """p1 -a(best)-> p2 -a(best)-> end-good; p2 -b(acceptable)-> end-ok;
    p1 -b(poor)-> end-poor."""

    def option(option_id, quality, next_point):
        return {
            "id": option_id,
            "text": f"Choice {option_id}.",
            "quality": quality,
            "feedback": f"Feedback on {option_id}.",
            "next": next_point,
        }

    return {
        "id": item_id,
        "type": "branching",
        "competency": competency,
        "objective": objective,
        "vignette": VIGNETTE,
        "rationale": "The best path keeps the client talking.",
        "start": "p1",
        "points": [
            {
                "id": "p1",
                "situation": "The client sighs.",
                "question": "What do you say first?",
                "options": [option("a", "best", "p2"), option("b", "poor", "end-poor")],
            },
            {
                "id": "p2",
                "situation": "The client looks up.",
                "question": "And now?",
                "options": [
                    option("a", "best", "end-good"),
                    option("b", "acceptable", "end-ok"),
                ],
            },
            {"id": "end-good", "situation": "The client books again.", "end": True},
            {"id": "end-ok", "situation": "The client shrugs and stays.", "end": True},
            {"id": "end-poor", "situation": "The client leaves early.", "end": True},
        ],
    }


def quiz_data(module: str = SLUG) -> dict[str, Any]:
    """Eight items: q1-q3, q6, q7 single (keyed a), q4 multiple (a+b of five, select 2),
    q5 multiple (a+b+c, select all), q8 branching; every competency and objective covered.

    It meets the item-writing thresholds: options of equal length, and the keyed options
    spread over the positions in the file (1st: q1, q8 p1 and p2; 2nd: q2, q4 a, q5 a; 3rd:
    q3, q7; 4th: q6, q4 b, q5 b; 5th: q5 c)."""
    return {
        "module": module,
        "pass_mark": 75,
        "items": [
            single_item("q1", "c1", "o1"),
            single_item("q2", "c2", "o2", order="bacd"),
            single_item("q3", "c3", "o3", order="bcad"),
            multiple_item("q4", "c1", "o2", order="cadbe"),
            multiple_item(
                "q5", "c2", "o3", keyed=("a", "b", "c"), select="all", order="daebc"
            ),
            single_item("q6", "c3", "o1", order="bcda"),
            single_item("q7", "c1", "o3", order="bcad"),
            branching_item("q8", "c2", "o1"),
        ],
    }


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def module_text(data: dict[str, Any] | None = None, body: str = BODY) -> str:
    return f"---\n{_dump(data if data is not None else module_data())}---\n{body}"


def quiz_text(data: dict[str, Any] | None = None) -> str:
    return _dump(data if data is not None else quiz_data())


def write_content(
    root: Path,
    *,
    slug: str = SLUG,
    module: dict[str, Any] | None = None,
    quiz: dict[str, Any] | None = None,
    body: str = BODY,
    module_source: str | bytes | None = None,
    quiz_source: str | bytes | None = None,
) -> tuple[Path, Path]:
    """Write ``modules/<slug>.md`` and ``quizzes/<slug>.yaml`` under ``root``.

    Each file is written from ``module``/``quiz`` data (default: the valid sample for
    ``slug``) or, when given, from the exact ``module_source``/``quiz_source`` text or
    bytes; ``module=False`` or ``quiz=False`` leaves that file out.
    """
    module_path = root / "modules" / f"{slug}.md"
    quiz_path = root / "quizzes" / f"{slug}.yaml"
    module_path.parent.mkdir(parents=True, exist_ok=True)
    quiz_path.parent.mkdir(parents=True, exist_ok=True)
    if module is not False:
        if module_source is None:
            module_source = module_text(
                module if module is not None else module_data(slug), body
            )
        _write(module_path, module_source)
    if quiz is not False:
        if quiz_source is None:
            quiz_source = quiz_text(quiz if quiz is not None else quiz_data(slug))
        _write(quiz_path, quiz_source)
    return module_path, quiz_path


def _write(path: Path, source: str | bytes) -> None:
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        path.write_text(source, encoding="utf-8")


def build(
    module: dict[str, Any] | None = None,
    quiz: dict[str, Any] | None = None,
    *,
    slug: str = SLUG,
) -> Module:
    """The sample as a loaded Module (valid input only)."""
    module_source = module_text(module if module is not None else module_data(slug))
    quiz_source = quiz_text(quiz if quiz is not None else quiz_data(slug))
    loaded, problems = build_module(
        f"modules/{slug}.md", module_source, f"quizzes/{slug}.yaml", quiz_source
    )
    assert loaded is not None, problems
    return loaded
