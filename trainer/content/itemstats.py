"""Item-writing figures of a quiz and the thresholds every quiz must meet (issue 12).

A quiz must measure clinical knowledge, not test-wiseness: the keyed option must not be
recognisable by its length or by its place in the file. The figures are computed over the
options as they stand in the file; an option's length is the number of characters of its
``text`` after folding whitespace. Pure functions; ``flask --app app content check`` turns
a broken threshold into a problem line and ``content check --items`` prints the figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from .schema import (
    BranchingItem,
    BranchOption,
    MultipleItem,
    Option,
    Point,
    Quality,
    QuizFile,
    SingleItem,
)
from .scoring import score_multiple, score_path

#: THE switch. On: a quiz that breaks a threshold fails ``content check`` (exit 1). Off: the
#: breaches are printed as warnings and ``content check`` still succeeds. Start-up never
#: applies these rules (a figure over a threshold must not keep the site down).
ENFORCED = True

#: at most this share of single items may key their strictly longest option
KEY_LONGEST_MAX = Fraction(30, 100)
#: the always-pick-the-longest strategy must score at most this (and below the pass mark)
STRATEGY_MAX = Fraction(35, 100)
#: no option position (1st, 2nd, ... in the file) may hold more than this share of the keys
POSITION_MAX = Fraction(35, 100)


def length(option: Option | BranchOption) -> int:
    """Characters of the option's text after folding whitespace."""
    return len(" ".join(option.text.split()))


@dataclass(frozen=True)
class QuizFigures:
    single_items: int
    #: single items whose keyed option is strictly longer than every other option
    key_longest: int
    #: expected quiz score (0-1) of always choosing the longest option(s)
    strategy_score: Fraction
    #: position (1-based, in the file) -> number of keys there
    key_positions: dict[int, int]
    vignette_words: tuple[int, int]
    items_per_competency: dict[str, int]
    pass_mark: int

    @property
    def key_longest_rate(self) -> Fraction:
        return Fraction(self.key_longest, self.single_items or 1)

    @property
    def keys(self) -> int:
        return sum(self.key_positions.values())

    def position_share(self, position: int) -> Fraction:
        return Fraction(self.key_positions.get(position, 0), self.keys or 1)


# ---------------------------------------------------------------------------------------------
# The figures


def key_is_strictly_longest(item: SingleItem) -> bool:
    key = next(option for option in item.options if option.correct)
    return all(length(key) > length(o) for o in item.options if o is not key)


def _longest(options) -> list:
    top = max(length(option) for option in options)
    return [option for option in options if length(option) == top]


def longest_choices(options, k: int) -> list[list]:
    """Every equally likely way of choosing the ``k`` longest options (ties broken every way)."""
    ranked = sorted(options, key=length, reverse=True)
    threshold = length(ranked[k - 1])
    sure = [o for o in options if length(o) > threshold]
    tied = [o for o in options if length(o) == threshold]
    return [sure + list(rest) for rest in combinations(tied, k - len(sure))]


def strategy_single(item: SingleItem) -> Fraction:
    """1/t when the key is among the t options tied for longest, else 0."""
    longest = _longest(item.options)
    return Fraction(sum(o.correct for o in longest), len(longest))


def strategy_multiple(item: MultipleItem, rule: str) -> Fraction:
    """Choose the k longest options (k = ``select``; for ``all``, the number keyed), scored
    under the quiz's ``multiple_select_scoring`` rule by the engine's own function."""
    keyed = sum(o.correct for o in item.options)
    k = keyed if item.select == "all" else item.select
    ways = longest_choices(item.options, k)
    total = sum(
        (
            Fraction(
                score_multiple(item, [o.id for o in way], rule)
            ).limit_denominator()
            for way in ways
        ),
        Fraction(0),
    )
    return total / len(ways)


def strategy_branching(item: BranchingItem) -> Fraction:
    """At each decision the longest option (ties split), following where it leads; each path
    scored as the engine scores it (mean credit of the decisions on the path)."""
    points = {point.id: point for point in item.points}

    def walk(point: Point, path: list[list[str]], chance: Fraction) -> Fraction:
        if point.end:
            return chance * Fraction(score_path(item, path)).limit_denominator()
        longest = _longest(point.options)
        return sum(
            (
                walk(points[o.next], [*path, [point.id, o.id]], chance / len(longest))
                for o in longest
            ),
            Fraction(0),
        )

    return walk(points[item.start], [], Fraction(1))


def strategy_score(quiz: QuizFile) -> Fraction:
    """Expected score (0-1) of a test-taker with no knowledge who picks the longest option."""
    scores = []
    for item in quiz.items:
        if isinstance(item, SingleItem):
            scores.append(strategy_single(item))
        elif isinstance(item, MultipleItem):
            scores.append(strategy_multiple(item, quiz.multiple_select_scoring))
        else:
            scores.append(strategy_branching(item))
    return sum(scores, Fraction(0)) / len(scores)


def key_positions(quiz: QuizFile) -> dict[int, int]:
    """Position in the file of every keyed option (single and multiple items) and of every
    best option at a branching decision point."""
    counts: Counter[int] = Counter()
    for item in quiz.items:
        if isinstance(item, BranchingItem):
            for point in item.points:
                for place, option in enumerate(point.options, 1):
                    if option.quality is Quality.BEST:
                        counts[place] += 1
        else:
            for place, option in enumerate(item.options, 1):
                if option.correct:
                    counts[place] += 1
    return dict(sorted(counts.items()))


def figures(quiz: QuizFile) -> QuizFigures:
    singles = [item for item in quiz.items if isinstance(item, SingleItem)]
    words = [len(item.vignette.split()) for item in quiz.items]
    return QuizFigures(
        single_items=len(singles),
        key_longest=sum(key_is_strictly_longest(item) for item in singles),
        strategy_score=strategy_score(quiz),
        key_positions=key_positions(quiz),
        vignette_words=(min(words), max(words)),
        items_per_competency=dict(Counter(item.competency for item in quiz.items)),
        pass_mark=quiz.pass_mark,
    )


# ---------------------------------------------------------------------------------------------
# The thresholds


def percent(share: Fraction) -> str:
    """A share as a whole percentage, e.g. ``57 %``."""
    return f"{round(share * 100)} %"


def ordinal(position: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(position if position < 20 else 0, "th")
    return f"{position}{suffix}"


def breaches(found: QuizFigures) -> list[str]:
    """One sentence per broken threshold, with the figure and the limit."""
    messages = []
    if found.key_longest_rate > KEY_LONGEST_MAX:
        messages.append(
            f"key is the strictly longest option in {found.key_longest} of "
            f"{found.single_items} single items ({percent(found.key_longest_rate)}); "
            f"at most {percent(KEY_LONGEST_MAX)}"
        )
    score = found.strategy_score
    if score > STRATEGY_MAX or score * 100 >= found.pass_mark:
        messages.append(
            f"always choosing the longest option scores {float(score * 100):.1f} %; "
            f"at most {percent(STRATEGY_MAX)} and below the pass mark "
            f"({found.pass_mark} %)"
        )
    for position, count in found.key_positions.items():
        share = found.position_share(position)
        if share > POSITION_MAX:
            messages.append(
                f"{count} of {found.keys} keys are the {ordinal(position)} option in the "
                f"file ({percent(share)}); at most {percent(POSITION_MAX)} in one position"
            )
    return messages


# ---------------------------------------------------------------------------------------------
# The table of ``content check --items``

TABLE_HEADINGS = (
    "quiz",
    "key longest (single)",
    "longest-option score",
    "key positions 1/2/3/4/5/6",
    "vignette words",
    "items per competency",
)


def table_row(quiz_file: str, found: QuizFigures) -> tuple[str, ...]:
    positions = "/".join(str(found.key_positions.get(p, 0)) for p in range(1, 7))
    per_competency = sorted(found.items_per_competency.values())
    return (
        quiz_file,
        f"{found.key_longest}/{found.single_items} ({percent(found.key_longest_rate)})",
        f"{float(found.strategy_score * 100):.1f} % (pass {found.pass_mark} %)",
        f"{positions} (max {percent(max(map(found.position_share, found.key_positions), default=Fraction(0)))})",
        f"{found.vignette_words[0]}-{found.vignette_words[1]}",
        f"min {per_competency[0]}, max {per_competency[-1]}",
    )


def format_table(rows: list[tuple[str, ...]]) -> str:
    """A plain-text table, columns padded to their widest cell."""
    all_rows = [TABLE_HEADINGS, *rows]
    widths = [max(len(row[i]) for row in all_rows) for i in range(len(TABLE_HEADINGS))]
    lines = []
    for index, row in enumerate(all_rows):
        lines.append(
            "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
