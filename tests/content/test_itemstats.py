"""Item-writing figures of a quiz (trainer/content/itemstats.py) worked out by hand on tiny
quizzes, and the thresholds as ``content check`` applies them."""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest

from tests.factories.content import build, quiz_data
from trainer.content import itemstats
from trainer.content.itemstats import (
    figures,
    key_positions,
    strategy_branching,
    strategy_multiple,
    strategy_score,
    strategy_single,
)


def item(quiz: dict, item_id: str) -> dict:
    return next(i for i in quiz["items"] if i["id"] == item_id)


def texts(quiz: dict, item_id: str, **by_id: str) -> None:
    """Set the text of options of an item by id (``a="..."``)."""
    for option in item(quiz, item_id)["options"]:
        if option["id"] in by_id:
            option["text"] = by_id[option["id"]]


def point_texts(quiz: dict, point_id: str, **by_id: str) -> None:
    point = next(p for p in item(quiz, "q8")["points"] if p["id"] == point_id)
    for option in point["options"]:
        if option["id"] in by_id:
            option["text"] = by_id[option["id"]]


def loaded(quiz: dict):
    return build(quiz=quiz).quiz


def by_id(quiz, item_id):
    return next(i for i in quiz.items if i.id == item_id)


@pytest.fixture
def worked() -> dict:
    """The sample quiz (options "Option a." etc., all 9 characters) with these changes:
    q1: the key a is strictly longest        -> strategy 1, key longest
    q2: the key a ties with b for longest    -> strategy 1/2
    q3, q6, q7: all four tied                -> strategy 1/4 each
    q4 (choose 2; a, b keyed): a longest, b c d e tied -> a + one of four: 1/4
    q5 (select all; a, b, c keyed): all five tied -> 3 of 5, 1 way in 10 is right: 1/10
    q8: p1 a (best) longest -> p2, where a (best) and b (acceptable) tie:
        paths (1, 1) -> 1 and (1, 0.5) -> 0.75, each 1/2 -> 7/8
    Quiz: (1 + 1/2 + 3/4 + 1/4 + 1/10 + 7/8) / 8 = 3.475 / 8 = 139/320 (43.4 %)."""
    quiz = quiz_data()
    texts(quiz, "q1", a="Option a, longer.")
    texts(quiz, "q2", a="Option a, tied.", b="Option b, tied.")
    texts(quiz, "q4", a="Option a, longer.")
    point_texts(quiz, "p1", a="Choice a, longer.")
    return quiz


class TestWorkedFigures:
    def test_single_items_score_one_over_the_options_tied_for_longest(self, worked):
        quiz = loaded(worked)
        assert strategy_single(by_id(quiz, "q1")) == 1
        assert strategy_single(by_id(quiz, "q2")) == Fraction(1, 2)
        assert strategy_single(by_id(quiz, "q3")) == Fraction(1, 4)

    def test_multiple_select_tries_every_way_of_breaking_the_tie(self, worked):
        quiz = loaded(worked)
        assert strategy_multiple(by_id(quiz, "q4"), "all-or-nothing") == Fraction(1, 4)
        assert strategy_multiple(by_id(quiz, "q5"), "all-or-nothing") == Fraction(1, 10)

    def test_multiple_select_uses_the_quizs_partial_scoring(self, worked):
        quiz = loaded(worked)
        # q4: a + b = 2/2, a + an unkeyed = (1 - 1)/2 = 0 -> 1/4
        assert strategy_multiple(by_id(quiz, "q4"), "partial") == Fraction(1, 4)
        # q5: 3 keyed of 3 (1 way) = 1; 2 keyed + 1 unkeyed (6 ways) = 1/3; 1 + 2 (3 ways)
        # = 0 -> (1 + 6/3) / 10
        assert strategy_multiple(by_id(quiz, "q5"), "partial") == Fraction(3, 10)

    def test_branching_follows_the_longest_option_and_scores_the_path(self, worked):
        assert strategy_branching(by_id(loaded(worked), "q8")) == Fraction(7, 8)

    def test_a_longer_poor_option_leads_the_strategy_to_a_poor_path(self, worked):
        point_texts(worked, "p1", a="Choice a.", b="Choice b, longer.")
        assert strategy_branching(by_id(loaded(worked), "q8")) == 0

    def test_the_quiz_score_is_the_mean_of_the_item_scores(self, worked):
        assert strategy_score(loaded(worked)) == Fraction(139, 320)

    def test_key_longest_counts_strictly_longest_keys_only(self, worked):
        found = figures(loaded(worked))
        assert (found.key_longest, found.single_items) == (1, 5)
        assert found.key_longest_rate == Fraction(1, 5)

    def test_key_positions_count_single_multiple_and_best_branching_options(self):
        # see quiz_data(): 1st q1, p1, p2; 2nd q2, q4 a, q5 a; 3rd q3, q7;
        # 4th q6, q4 b, q5 b; 5th q5 c
        assert key_positions(loaded(quiz_data())) == {1: 3, 2: 3, 3: 2, 4: 3, 5: 1}

    def test_vignette_words_and_items_per_competency(self):
        found = figures(loaded(quiz_data()))
        assert found.vignette_words == (79, 79)
        assert found.items_per_competency == {"c1": 3, "c2": 3, "c3": 2}

    def test_the_sample_quiz_breaks_no_threshold(self):
        assert itemstats.breaches(figures(loaded(quiz_data()))) == []


def key_the_longest(quiz: dict) -> dict:
    """The sample rewritten so that every key (and every best choice) is the longest."""
    for entry in quiz["items"]:
        if entry["type"] == "branching":
            for point in entry["points"]:
                for option in point.get("options", []):
                    if option["quality"] == "best":
                        option["text"] += " And a little more."
            continue
        for option in entry["options"]:
            if option.get("correct"):
                option["text"] += " And a little more."
    return quiz


def key_first(quiz: dict) -> dict:
    """The sample with every item's options in alphabetical order: every key is 1st."""
    for entry in quiz["items"]:
        if entry["type"] != "branching":
            entry["options"].sort(key=lambda option: option["id"])
    return quiz


class TestThresholds:
    def test_keying_the_longest_options_breaks_two_thresholds(self):
        found = figures(loaded(key_the_longest(quiz_data())))
        assert itemstats.breaches(found) == [
            "key is the strictly longest option in 5 of 5 single items (100 %); "
            "at most 30 %",
            "always choosing the longest option scores 100.0 %; at most 35 % and below "
            "the pass mark (75 %)",
        ]

    def test_keying_the_first_option_breaks_the_position_threshold(self):
        # 12 keys: q1-q3, q6, q7, q4 a, q5 a, p1 a, p2 a are 1st -> 9 of 12
        found = figures(loaded(key_first(quiz_data())))
        assert itemstats.breaches(found) == [
            "9 of 12 keys are the 1st option in the file (75 %); at most 35 % in one "
            "position"
        ]

    def test_two_keys_of_seven_longest_is_within_the_limit_and_three_is_not(self):
        quiz = quiz_data()
        quiz["items"].insert(0, {**copy.deepcopy(item(quiz, "q1")), "id": "q0"})
        quiz["items"].insert(0, {**copy.deepcopy(item(quiz, "q2")), "id": "q00"})
        texts(quiz, "q1", a="Option a, longer.")
        texts(quiz, "q2", a="Option a, longer.")
        # the poor choice at p1 is the longest, so the strategy scores 0 on q8:
        # (2 + 5 x 1/4 + 1/10 + 1/10 + 0) / 10 = 34.5 %
        point_texts(quiz, "p1", b="Choice b, longer.")
        assert figures(loaded(quiz)).key_longest == 2
        assert itemstats.breaches(figures(loaded(quiz))) == []
        texts(quiz, "q3", a="Option a, longer.")
        assert itemstats.breaches(figures(loaded(quiz)))[0].startswith(
            "key is the strictly longest option in 3 of 7 single items (43 %)"
        )

    def test_a_strategy_score_at_the_pass_mark_breaks_it_even_under_35_percent(self):
        found = figures(loaded(quiz_data()))
        assert found.strategy_score < Fraction(35, 100)
        lowered = itemstats.QuizFigures(
            **{**found.__dict__, "pass_mark": 20}  # as if the pass mark were 20 %
        )
        [message] = itemstats.breaches(lowered)
        assert message.startswith("always choosing the longest option scores 23.6 %")


@pytest.fixture
def check(app, monkeypatch):
    def run(root, *args):
        monkeypatch.setitem(app.config, "CONTENT_ROOT", str(root))
        return app.test_cli_runner().invoke(args=["content", "check", *args])

    return run


class TestContentCheck:
    def test_a_quiz_keying_its_longest_options_fails_naming_quiz_and_figure(
        self, check, content
    ):
        content.write(slug="balanced")
        content.write(slug="cued", quiz_change=key_the_longest)
        result = check(content.root)
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            "quizzes/cued.yaml:1: item-writing: key is the strictly longest option in 5 "
            "of 5 single items (100 %); at most 30 %",
            "quizzes/cued.yaml:1: item-writing: always choosing the longest option "
            "scores 100.0 %; at most 35 % and below the pass mark (75 %)",
        ]

    def test_a_balanced_quiz_passes(self, check, content):
        content.write(slug="balanced")
        result = check(content.root)
        assert (result.exit_code, result.output) == (0, "1 modules valid.\n")

    def test_with_the_switch_off_breaches_are_warnings(
        self, check, content, monkeypatch
    ):
        monkeypatch.setattr(itemstats, "ENFORCED", False)
        content.write(slug="cued", quiz_change=key_first)
        result = check(content.root)
        assert result.exit_code == 0
        assert result.output.splitlines() == [
            "warning (item-writing rules not enforced): quizzes/cued.yaml:1: "
            "item-writing: 9 of 12 keys are the 1st option in the file (75 %); at most "
            "35 % in one position",
            "1 modules valid.",
        ]

    def test_the_app_still_starts_on_a_quiz_that_breaks_them(self, content):
        content.write(slug="cued", quiz_change=key_the_longest)
        assert [m.slug for m in content.load()] == ["cued"]

    def test_items_prints_each_quizs_figures(self, check, content):
        content.write(slug="balanced")
        content.write(slug="cued", quiz_change=key_the_longest)
        lines = check(content.root, "--items").output.splitlines()
        assert lines[0].split("  ")[0] == "quiz"
        assert "longest-option score" in lines[0]
        balanced, cued = lines[2], lines[3]
        assert balanced.split() == [
            "quizzes/balanced.yaml",
            "0/5",
            "(0",
            "%)",
            "23.6",
            "%",
            "(pass",
            "75",
            "%)",
            "3/3/2/3/1/0",
            "(max",
            "25",
            "%)",
            "79-79",
            "min",
            "2,",
            "max",
            "3",
        ]
        assert cued.startswith("quizzes/cued.yaml")
        assert "5/5 (100 %)" in cued
        assert "100.0 % (pass 75 %)" in cued
