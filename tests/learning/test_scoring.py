"""Scoring rules (docs/content-format.md, "Scoring"): pure functions, no app needed."""

from __future__ import annotations

import pytest

from tests.factories.content import quiz_data
from trainer.content.schema import QuizFile
from trainer.content.scoring import (
    percentage,
    score_attempt,
    score_item,
    score_multiple,
    score_path,
    score_single,
)


def sample_quiz(**changes) -> QuizFile:
    return QuizFile.model_validate({**quiz_data(), **changes})


def item(quiz: QuizFile, item_id: str):
    return next(i for i in quiz.items if i.id == item_id)


BEST_PATH = {"path": [["p1", "a"], ["p2", "a"]], "end": "end-good"}


def all_right() -> dict:
    """Full credit on every item of the sample quiz."""
    answers = {item_id: {"chosen": ["a"]} for item_id in ("q1", "q2", "q3", "q6", "q7")}
    answers["q4"] = {"chosen": ["a", "b"]}
    answers["q5"] = {"chosen": ["a", "b", "c"]}
    answers["q8"] = BEST_PATH
    return answers


class TestSingle:
    def test_the_keyed_option_scores_1(self):
        assert score_single(item(sample_quiz(), "q1"), ["a"]) == 1.0

    @pytest.mark.parametrize("chosen", [["b"], [], ["a", "b"]])
    def test_anything_else_scores_0(self, chosen):
        assert score_single(item(sample_quiz(), "q1"), chosen) == 0.0


class TestMultiple:
    @pytest.mark.parametrize(
        ("chosen", "expected"),
        [
            (["a", "b"], 1.0),
            (["b", "a"], 1.0),
            (["a"], 0.0),
            (["a", "c"], 0.0),
            (["a", "b", "c"], 0.0),
        ],
    )
    def test_all_or_nothing_scores_1_only_for_exactly_the_keyed_options(
        self, chosen, expected
    ):
        assert (
            score_multiple(item(sample_quiz(), "q4"), chosen, "all-or-nothing")
            == expected
        )

    @pytest.mark.parametrize(
        ("chosen", "expected"),
        [
            (["a", "b", "c"], 1.0),  # all three keyed
            (["a", "b"], 2 / 3),  # two of three keyed
            (["a", "b", "d"], 1 / 3),  # two keyed, one unkeyed
            (["a", "d"], 0.0),  # one keyed, one unkeyed
            (["a", "d", "e"], 0.0),  # one keyed, two unkeyed: -1/3, never below 0
            (["d", "e"], 0.0),
            ([], 0.0),
        ],
    )
    def test_partial_is_keyed_minus_unkeyed_over_keyed_never_below_0(
        self, chosen, expected
    ):
        assert score_multiple(
            item(sample_quiz(), "q5"), chosen, "partial"
        ) == pytest.approx(expected)

    def test_the_quiz_rule_decides_how_multiple_items_score(self):
        partial = sample_quiz(multiple_select_scoring="partial")
        strict = sample_quiz()
        answer = {"chosen": ["a", "b"]}
        assert score_item(
            item(partial, "q5"), answer, partial.multiple_select_scoring
        ) == (pytest.approx(2 / 3))
        assert (
            score_item(item(strict, "q5"), answer, strict.multiple_select_scoring)
            == 0.0
        )


class TestBranchingPath:
    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ([["p1", "a"], ["p2", "a"]], 1.0),  # best, best
            ([["p1", "a"], ["p2", "b"]], 0.75),  # best, acceptable
            ([["p1", "b"]], 0.0),  # poor, straight to the end
        ],
    )
    def test_the_path_scores_the_mean_credit_of_its_decisions(self, path, expected):
        assert score_path(item(sample_quiz(), "q8"), path) == expected

    def test_credit_is_1_for_best_half_for_acceptable_0_for_poor(self):
        scenario = item(sample_quiz(), "q8")
        assert score_path(scenario, [["p2", "a"]]) == 1.0
        assert score_path(scenario, [["p2", "b"]]) == 0.5
        assert score_path(scenario, [["p1", "b"]]) == 0.0

    def test_score_item_reads_the_stored_path(self):
        scenario = item(sample_quiz(), "q8")
        answer = {"path": [["p1", "a"], ["p2", "b"]], "end": "end-ok"}
        assert score_item(scenario, answer, "all-or-nothing") == 0.75


class TestAttempt:
    def test_every_item_right_scores_100_and_passes(self):
        result = score_attempt(sample_quiz(), all_right())
        assert result.score == 100.0
        assert result.is_passed
        assert set(result.item_scores.values()) == {1.0}

    def test_the_score_is_the_mean_item_score_as_a_percentage(self):
        answers = {
            **all_right(),
            "q1": {"chosen": ["b"]},
            "q8": {"path": [["p1", "b"]]},
        }
        result = score_attempt(sample_quiz(), answers)
        assert result.item_scores["q1"] == 0.0
        assert result.item_scores["q8"] == 0.0
        assert result.score == 75.0

    def test_it_passes_exactly_at_the_pass_mark(self):
        answers = {**all_right(), "q1": {"chosen": ["b"]}, "q2": {"chosen": ["b"]}}
        result = score_attempt(sample_quiz(pass_mark=75), answers)
        assert result.score == 75.0
        assert result.is_passed

    def test_it_fails_just_below_the_pass_mark(self):
        answers = {**all_right(), "q1": {"chosen": ["b"]}, "q2": {"chosen": ["b"]}}
        result = score_attempt(sample_quiz(pass_mark=76), answers)
        assert result.score == 75.0
        assert not result.is_passed

    def test_the_score_is_rounded_half_up_to_one_decimal(self):
        # q1 wrong (0) and q4 half right under the partial rule (0.5): 6.5 of 8 = 81.25 %,
        # shown as 81.3 (round() would give 81.2: it rounds halves to even)
        answers = {**all_right(), "q1": {"chosen": ["b"]}, "q4": {"chosen": ["a"]}}
        result = score_attempt(sample_quiz(multiple_select_scoring="partial"), answers)
        assert result.item_scores["q4"] == 0.5
        assert result.score == 81.3

    @pytest.mark.parametrize(
        ("credits", "expected"),
        [
            ([1, 1, 1, 1, 1, 1, 0.5, 0], 81.3),  # 81.25
            ([1, 1, 1, 1, 1, 0.5, 0, 0], 68.8),  # 68.75
            ([1, 1, 1, 0.3333, 0, 0, 0, 0], 41.7),  # 41.66625
            ([0.3333] * 3, 33.3),
            ([0] * 8, 0.0),
            ([1] * 8, 100.0),
        ],
    )
    def test_percentages_round_half_up_to_one_decimal(self, credits, expected):
        assert percentage(credits) == expected

    def test_partial_credits_are_kept_to_four_decimals(self):
        answers = {**all_right(), "q5": {"chosen": ["a", "b"]}}
        result = score_attempt(sample_quiz(multiple_select_scoring="partial"), answers)
        assert result.item_scores["q5"] == 0.6667
        # (7 + 0.6667) / 8 = 95.83375 %
        assert result.score == 95.8

    def test_competency_scores_are_the_mean_of_the_items_that_name_them(self):
        # c1: q1, q4, q7 · c2: q2, q5, q8 · c3: q3, q6
        answers = {
            **all_right(),
            "q1": {"chosen": ["c"]},
            "q8": {"path": [["p1", "a"], ["p2", "b"]], "end": "end-ok"},
            "q3": {"chosen": ["d"]},
            "q6": {"chosen": ["b"]},
        }
        result = score_attempt(sample_quiz(), answers)
        assert result.competency_scores == {"c1": 66.7, "c2": 91.7, "c3": 0.0}

    def test_a_failed_attempt_still_reports_every_competency(self):
        answers = {
            item_id: {"chosen": ["b"]} for item_id in ("q1", "q2", "q3", "q6", "q7")
        }
        answers["q4"] = {"chosen": ["c", "d"]}
        answers["q5"] = {"chosen": ["d", "e"]}
        answers["q8"] = {"path": [["p1", "b"]], "end": "end-poor"}
        result = score_attempt(sample_quiz(), answers)
        assert result.score == 0.0
        assert not result.is_passed
        assert result.competency_scores == {"c1": 0.0, "c2": 0.0, "c3": 0.0}
