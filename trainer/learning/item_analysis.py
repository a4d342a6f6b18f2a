"""Item analysis of the quizzes, per item and per content version, after Moodle's quiz
statistics report: how many attempts, how easy the item was (facility), whether it tells
apart the trainees who know the module from those who do not (discrimination), how often
each option was chosen, and flags in plain words.

- **Facility**: the mean credit of the item (the share who answered it correctly, when the
  item scores 0 or 1).
- **Discrimination**: the point-biserial correlation (Pearson's r) between the item's score
  and the rest of the quiz (the attempt's total credit minus this item's), over the attempts
  on one content version. Not defined when every attempt has the same item score or the
  same rest score.

Computed in two queries whatever the number of attempts: the attempts, and the texts of
their content versions.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app

from trainer.content.loader import Module, build_module
from trainer.content.schema import BranchingItem, Quality
from trainer.core.extensions import db
from trainer.record.models import Attempt, ContentVersion

#: a distractor is flagged as chosen by nobody only after this many attempts on the version
MIN_ATTEMPTS_FOR_DISTRACTORS = 20
#: facility at or above this: almost everyone answers correctly
EASY_FACILITY = 0.9

ITEM_TYPES = {
    "single": "Single best answer",
    "multiple": "Multiple select",
    "branching": "Branching scenario",
}

FLAG_EASY = "almost-everyone-correct"
FLAG_NEGATIVE = "discriminates-negatively"
FLAG_UNCHOSEN = "distractor-nobody-chooses"

FLAG_TITLES = {
    FLAG_EASY: "Almost everyone answers correctly",
    FLAG_NEGATIVE: "Discriminates negatively",
    FLAG_UNCHOSEN: "Distractor nobody chooses",
}


@dataclass(frozen=True)
class Flag:
    code: str
    #: what it means, in a sentence a supervisor can act on
    sentence: str

    @property
    def title(self) -> str:
        return FLAG_TITLES[self.code]


@dataclass(frozen=True)
class OptionCount:
    #: the option's id in the file; ``point/option`` at a branching decision point
    key: str
    text: str
    #: "keyed", "not keyed", or the quality of a branching option
    role: str
    picks: int


@dataclass(frozen=True)
class ItemStats:
    slug: str
    module_title: str
    version: str
    number: int  # 1-based position in the quiz
    item_id: str
    item_type: str
    competency: str
    attempts: int
    facility: float | None
    discrimination: float | None
    options: list[OptionCount]
    flags: list[Flag] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return ITEM_TYPES[self.item_type]


@dataclass(frozen=True)
class AttemptRow:
    answers: dict[str, Any]
    item_scores: dict[str, float]


# ---------------------------------------------------------------------------------------------
# The figures (pure)


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def point_biserial(item: list[float], rest: list[float]) -> float | None:
    """Pearson's r of the item scores with the rest-of-quiz scores; None when either does
    not vary."""
    if len(item) < 2:
        return None
    mx, my = mean(item), mean(rest)
    sxy = sum((x - mx) * (y - my) for x, y in zip(item, rest, strict=True))
    sxx = sum((x - mx) ** 2 for x in item)
    syy = sum((y - my) ** 2 for y in rest)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def _option_counts(item, answers: list[dict[str, Any]]) -> list[OptionCount]:
    if isinstance(item, BranchingItem):
        picked: dict[tuple[str, str], int] = defaultdict(int)
        for answer in answers:
            for point_id, option_id in answer.get("path", []):
                picked[(point_id, option_id)] += 1
        return [
            OptionCount(
                f"{point.id}/{option.id}",
                option.text,
                option.quality.value,
                picked[(point.id, option.id)],
            )
            for point in item.points
            for option in point.options
        ]
    chosen: dict[str, int] = defaultdict(int)
    for answer in answers:
        for option_id in answer.get("chosen", []):
            chosen[option_id] += 1
    return [
        OptionCount(
            option.id,
            option.text,
            "keyed" if option.correct else "not keyed",
            chosen[option.id],
        )
        for option in item.options
    ]


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _flags(
    item, stats_facility, discrimination, counts, answers, min_attempts
) -> list[Flag]:
    flags = []
    if stats_facility is not None and stats_facility >= EASY_FACILITY:
        flags.append(
            Flag(
                FLAG_EASY,
                f"{round(stats_facility * 100)} % of the credit was earned: the item tells "
                "apart few trainees. Check that the stem or the options do not give the "
                "answer away, or keep it as a deliberate check of an essential point.",
            )
        )
    if discrimination is not None and discrimination < 0:
        flags.append(
            Flag(
                FLAG_NEGATIVE,
                "Trainees who did well on the rest of the quiz did worse on this item than "
                "those who did poorly. Check the key, and whether a distractor is also "
                "defensible or the wording misleads.",
            )
        )
    if len(answers) >= min_attempts:
        reached = defaultdict(int)
        if isinstance(item, BranchingItem):
            for answer in answers:
                for point_id, _ in answer.get("path", []):
                    reached[point_id] += 1
        for count in counts:
            if count.picks or count.role in ("keyed", Quality.BEST.value):
                continue
            if isinstance(item, BranchingItem):
                point_id = count.key.split("/", 1)[0]
                if reached[point_id] < min_attempts:
                    continue  # too few trainees reached this decision to judge it
            flags.append(
                Flag(
                    FLAG_UNCHOSEN,
                    f"Nobody chose “{_short(count.text)}” in {len(answers)} attempts: "
                    "it does not work as a plausible mistake. Rewrite it as a mistake "
                    "trainees make, or remove it.",
                )
            )
    return flags


def analyse_version(
    module: Module,
    rows: list[AttemptRow],
    *,
    min_attempts: int = MIN_ATTEMPTS_FOR_DISTRACTORS,
) -> list[ItemStats]:
    """The statistics of every item of ``module`` over the attempts taken on it (all rows
    must be attempts on this content version)."""
    totals = [sum(row.item_scores.values()) for row in rows]
    result = []
    for number, item in enumerate(module.quiz.items, 1):
        scores = [float(row.item_scores.get(item.id, 0.0)) for row in rows]
        answers = [row.answers.get(item.id, {}) for row in rows]
        rest = [total - score for total, score in zip(totals, scores, strict=True)]
        facility = mean(scores) if scores else None
        discrimination = point_biserial(scores, rest)
        counts = _option_counts(item, answers)
        result.append(
            ItemStats(
                slug=module.slug,
                module_title=module.title,
                version=module.version,
                number=number,
                item_id=item.id,
                item_type=item.type,
                competency=item.competency,
                attempts=len(rows),
                facility=facility,
                discrimination=discrimination,
                options=counts,
                flags=_flags(
                    item, facility, discrimination, counts, answers, min_attempts
                ),
            )
        )
    return result


# ---------------------------------------------------------------------------------------------
# From the database


@functools.lru_cache(maxsize=128)
def _stored_module(slug: str, version: str, module_source: str, quiz_source: str):
    module, _problems = build_module(
        f"modules/{slug}.md", module_source, f"quizzes/{slug}.yaml", quiz_source
    )
    return module


def item_analysis(
    program_id: int | None = None,
    *,
    min_attempts: int = MIN_ATTEMPTS_FOR_DISTRACTORS,
) -> list[ItemStats]:
    """Every item of every content version that has attempts (of one program, or of all),
    by module then version (oldest first) then position. Two queries."""
    query = sa.select(
        Attempt.module_slug,
        Attempt.content_version_id,
        Attempt.answers,
        Attempt.item_scores,
    ).order_by(Attempt.id)
    if program_id is not None:
        query = query.where(Attempt.program_id == program_id)
    by_version: dict[int, list[AttemptRow]] = defaultdict(list)
    for _slug, version_id, answers, item_scores in db.session.execute(query):
        by_version[version_id].append(AttemptRow(answers, item_scores))
    if not by_version:
        return []
    current = current_app.extensions["curriculum"]
    versions = db.session.execute(
        sa.select(
            ContentVersion.id,
            ContentVersion.slug,
            ContentVersion.version,
            ContentVersion.module_source,
            ContentVersion.quiz_source,
            ContentVersion.created_at,
        )
        .where(ContentVersion.id.in_(by_version))
        .order_by(ContentVersion.slug, ContentVersion.created_at, ContentVersion.id)
    ).all()
    result = []
    for version_id, slug, version, module_source, quiz_source, _created in versions:
        module = current.get(slug)
        if module is None or module.version != version:
            module = _stored_module(slug, version, module_source, quiz_source)
        if module is None:
            continue
        result += analyse_version(
            module, by_version[version_id], min_attempts=min_attempts
        )
    return result


# ---------------------------------------------------------------------------------------------
# CSV

CSV_COLUMNS = (
    "module",
    "content_version",
    "item",
    "position",
    "type",
    "competency",
    "attempts",
    "facility",
    "discrimination",
    "option_picks",
    "flags",
)


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def to_csv(stats: list[ItemStats]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in stats:
        writer.writerow(
            (
                item.slug,
                item.version,
                item.item_id,
                item.number,
                item.item_type,
                item.competency,
                item.attempts,
                _figure(item.facility),
                _figure(item.discrimination),
                "; ".join(f"{o.key} ({o.role}): {o.picks}" for o in item.options),
                "; ".join(flag.code for flag in item.flags),
            )
        )
    return out.getvalue()
