"""Scoring rules of the quiz engine (docs/content-format.md, "Scoring"). Pure functions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from trainer.content.schema import (
    QUALITY_CREDIT,
    BranchingItem,
    MultipleItem,
    QuizFile,
    SingleItem,
)


@dataclass(frozen=True)
class Result:
    item_scores: dict[str, float]
    competency_scores: dict[str, float]
    score: float
    is_passed: bool


def score_single(item: SingleItem, chosen: list[str]) -> float:
    keyed = next(option.id for option in item.options if option.correct)
    return 1.0 if chosen == [keyed] else 0.0


def score_multiple(item: MultipleItem, chosen: list[str], rule: str) -> float:
    keyed = {option.id for option in item.options if option.correct}
    picked = set(chosen)
    if rule == "partial":
        return max(0.0, (len(picked & keyed) - len(picked - keyed)) / len(keyed))
    return 1.0 if picked == keyed else 0.0


def score_path(item: BranchingItem, path: list[list[str]]) -> float:
    points = {point.id: point for point in item.points}
    credits = []
    for point_id, option_id in path:
        option = next(o for o in points[point_id].options if o.id == option_id)
        credits.append(QUALITY_CREDIT[option.quality])
    return sum(credits) / len(credits) if credits else 0.0


def score_item(item, answer: dict[str, Any], rule: str) -> float:
    if isinstance(item, SingleItem):
        return score_single(item, answer["chosen"])
    if isinstance(item, MultipleItem):
        return score_multiple(item, answer["chosen"], rule)
    return score_path(item, answer["path"])


def percentage(credits: list[float]) -> float:
    """The mean credit as a percentage rounded half up to one decimal (81.25 -> 81.3), as a
    reader expects; round() would give 81.2 (it rounds halves to even)."""
    total = sum((Decimal(str(credit)) for credit in credits), Decimal(0))
    return float(
        (100 * total / len(credits)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    )


def score_attempt(quiz: QuizFile, answers: dict[str, dict[str, Any]]) -> Result:
    item_scores = {
        item.id: round(
            score_item(item, answers[item.id], quiz.multiple_select_scoring), 4
        )
        for item in quiz.items
    }
    by_competency: dict[str, list[float]] = defaultdict(list)
    for item in quiz.items:
        by_competency[item.competency].append(item_scores[item.id])
    competency_scores = {
        competency: percentage(values) for competency, values in by_competency.items()
    }
    score = percentage(list(item_scores.values()))
    return Result(item_scores, competency_scores, score, score >= quiz.pass_mark)
