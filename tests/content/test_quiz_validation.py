"""Quiz files: items, keys, coverage and branching scenarios (docs/content-format.md)."""

from __future__ import annotations

import pytest

from tests.content.conftest import line_of
from tests.factories.content import VIGNETTE, branching_item, single_item

QUIZ = "quizzes/sample.yaml"
BRANCHING = 7  # index of the branching item q8 in the sample quiz


def points(quiz):
    return quiz["items"][BRANCHING]["points"]


class TestQuizFields:
    @pytest.mark.parametrize("pass_mark", [49, 101])
    def test_the_pass_mark_is_50_to_100(self, content, pass_mark):
        content.write(quiz_change=lambda q: q.update(pass_mark=pass_mark))
        [problem] = content.problems()
        assert problem.startswith(f"{QUIZ}:2: pass_mark: Input should be")

    def test_an_unknown_multiple_select_rule_is_refused(self, content):
        content.write(
            quiz_change=lambda q: q.update(multiple_select_scoring="generous")
        )
        line = line_of(content.text(QUIZ), "multiple_select_scoring: generous")
        assert content.problems() == [
            f"{QUIZ}:{line}: multiple_select_scoring: Input should be 'all-or-nothing' "
            "or 'partial'"
        ]

    def test_an_unknown_field_in_an_option_is_named_on_its_line(self, content):
        content.write(
            quiz_change=lambda q: q["items"][1]["options"][2].update(hint="psst")
        )
        line = line_of(content.text(QUIZ), "hint: psst")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[1].options[2].hint: unknown field"
        ]

    def test_an_option_without_feedback_is_refused(self, content):
        content.write(quiz_change=lambda q: q["items"][1]["options"][3].pop("feedback"))
        line = line_of(content.text(QUIZ), "- id: d", after="- id: q2")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[1].options[3].feedback: required field is missing"
        ]

    def test_optional_fields_take_their_documented_defaults(self, content):
        content.write()
        module = content.load().get("sample")
        assert module.quiz.multiple_select_scoring == "all-or-nothing"
        assert module.quiz.instructions is None
        assert module.meta.references[0].doi is None
        assert module.meta.evidence.statistics[0].note is None
        assert module.quiz.items[0].options[1].correct is False

    def test_an_item_missing_its_rationale_is_named(self, content):
        content.write(quiz_change=lambda q: q["items"][2].pop("rationale"))
        line = line_of(content.text(QUIZ), "- id: q3")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[2].rationale: required field is missing"
        ]

    def test_an_unknown_item_type_is_refused(self, content):
        content.write(quiz_change=lambda q: q["items"][0].update(type="essay"))
        [problem] = content.problems()
        assert problem.startswith(
            f"{QUIZ}:4: items[0]: Input tag 'essay' found using 'type'"
        )

    def test_fewer_than_eight_items_are_refused(self, content):
        content.write(quiz_change=lambda q: q["items"].pop(6))
        assert content.problems() == [
            f"{QUIZ}:3: items: List should have at least 8 items after validation, not 7"
        ]

    @pytest.mark.parametrize("missing", ["single", "multiple", "branching"])
    def test_a_quiz_needs_an_item_of_each_type(self, content, missing):
        def replace(quiz):
            for index, item in enumerate(quiz["items"]):
                if item["type"] == missing:
                    item_id, competency, objective = (
                        item["id"],
                        item["competency"],
                        item["objective"],
                    )
                    maker = branching_item if missing == "single" else single_item
                    quiz["items"][index] = maker(item_id, competency, objective)

        content.write(quiz_change=replace)
        assert content.problems() == [
            f"{QUIZ}:3: items: needs at least one item of type '{missing}'"
        ]

    @pytest.mark.parametrize(
        ("words", "valid"), [(59, False), (60, True), (150, True), (151, False)]
    )
    def test_a_vignette_has_60_to_150_words(self, content, words, valid):
        vignette = " ".join((VIGNETTE.split() * 3)[:words])
        content.write(quiz_change=lambda q: q["items"][4].update(vignette=vignette))
        if valid:
            assert content.load().get("sample") is not None
            return
        line = line_of(content.text(QUIZ), "vignette:", after="- id: q5")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[4].vignette: has {words} words; a vignette has 60-150"
        ]


class TestItemsAgainstTheModule:
    def test_an_item_naming_an_unknown_competency_is_refused(self, content):
        content.write(quiz_change=lambda q: q["items"][2].update(competency="c9"))
        line = line_of(content.text(QUIZ), "competency: c9")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[2].competency: no competency 'c9' in the module"
        ]

    def test_an_item_naming_an_unknown_objective_is_refused(self, content):
        content.write(quiz_change=lambda q: q["items"][5].update(objective="o9"))
        line = line_of(content.text(QUIZ), "objective: o9")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[5].objective: no objective 'o9' in the module"
        ]

    @pytest.mark.parametrize(
        ("field", "uncovered"), [("competency", "c3"), ("objective", "o3")]
    )
    def test_every_competency_and_objective_is_covered_by_an_item(
        self, content, field, uncovered
    ):
        def uncover(quiz):
            for item in quiz["items"]:
                if item[field] == uncovered:
                    item[field] = uncovered.replace("3", "1")

        content.write(quiz_change=uncover)
        assert content.problems() == [
            f"{QUIZ}:3: items: no item covers {field} '{uncovered}'"
        ]

    def test_duplicate_item_ids_are_named_on_the_second(self, content):
        content.write(quiz_change=lambda q: q["items"][2].update(id="q1"))
        line = line_of(content.text(QUIZ), "- id: q1", after="- id: q2")
        assert content.problems() == [f"{QUIZ}:{line}: items[2].id: duplicate id 'q1'"]

    def test_duplicate_option_ids_are_named_on_the_second(self, content):
        content.write(quiz_change=lambda q: q["items"][0]["options"][1].update(id="a"))
        line = line_of(content.text(QUIZ), "- id: a", after="text: Option a.")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[0].options[1].id: duplicate id 'a'"
        ]


class TestKeys:
    @pytest.mark.parametrize("keyed", [set(), {"a", "c"}])
    def test_a_single_item_keys_exactly_one_option(self, content, keyed):
        def key(quiz):
            for option in quiz["items"][0]["options"]:
                option["correct"] = option["id"] in keyed

        content.write(quiz_change=key)
        line = line_of(content.text(QUIZ), "options:")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[0].options: a single-best-answer item keys exactly 1 "
            f"option, found {len(keyed)}"
        ]

    @pytest.mark.parametrize("count", [3, 6])
    def test_a_single_item_has_four_or_five_options(self, content, count):
        def resize(quiz):
            options = quiz["items"][0]["options"]
            quiz["items"][0]["options"] = [
                {**options[n % 4], "id": f"x{n}", "correct": n == 0}
                for n in range(count)
            ]

        content.write(quiz_change=resize)
        [problem] = content.problems()
        assert f"{QUIZ}:11: items[0].options: List should have" in problem

    @pytest.mark.parametrize("count", [4, 7])
    def test_a_multiple_item_has_five_or_six_options(self, content, count):
        def resize(quiz):
            options = quiz["items"][3]["options"]
            quiz["items"][3]["options"] = [
                {**options[n % 5], "id": f"x{n}", "correct": n < 2}
                for n in range(count)
            ]

        content.write(quiz_change=resize)
        line = line_of(content.text(QUIZ), "options:", after="- id: q4")
        [problem] = content.problems()
        assert problem.startswith(f"{QUIZ}:{line}: items[3].options: List should have")

    @pytest.mark.parametrize("keyed", [{"a"}, {"a", "b", "c", "d"}])
    def test_a_multiple_item_keys_two_or_three_options(self, content, keyed):
        def key(quiz):
            item = quiz["items"][3]
            item["select"] = "all"
            for option in item["options"]:
                option["correct"] = option["id"] in keyed

        content.write(quiz_change=key)
        line = line_of(content.text(QUIZ), "options:", after="- id: q4")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[3].options: a multiple-select item keys 2 or 3 options, "
            f"found {len(keyed)}"
        ]

    def test_select_must_equal_the_number_keyed(self, content):
        content.write(quiz_change=lambda q: q["items"][3].update(select=3))
        line = line_of(content.text(QUIZ), "select: 3")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[3].select: select is 3 but 2 options are keyed"
        ]

    @pytest.mark.parametrize("select", ["two", True])
    def test_select_is_a_number_or_all(self, content, select):
        content.write(quiz_change=lambda q: q["items"][3].update(select=select))
        line = line_of(content.text(QUIZ), "select:", after="- id: q4")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[3].select: must be the number of options to choose, or 'all'"
        ]

    def test_select_all_accepts_any_number_keyed(self, content):
        content.write()
        item = content.load().get("sample").quiz.items[4]
        assert item.select == "all"
        assert sum(option.correct for option in item.options) == 3


class TestBranching:
    def test_the_sample_scenario_is_valid(self, content):
        content.write()
        item = content.load().get("sample").quiz.items[BRANCHING]
        assert item.start == "p1"
        assert [p.id for p in item.points if p.end] == [
            "end-good",
            "end-ok",
            "end-poor",
        ]

    def test_a_next_naming_a_missing_point_is_refused(self, content):
        content.write(
            quiz_change=lambda q: points(q)[1]["options"][0].update(next="p9")
        )
        source = content.text(QUIZ)
        line = line_of(source, "next: p9")
        problems = content.problems()
        assert problems[0] == (
            f"{QUIZ}:{line}: items[7].points[1].options[0].next: names point 'p9', "
            "which does not exist"
        )
        # end-good was only reachable through the broken link
        assert problems[1:] == [
            f"{QUIZ}:{line_of(source, '- id: end-good')}: items[7].points[2].id: "
            "point 'end-good' cannot be reached from start"
        ]

    def test_a_cycle_is_refused_with_the_loop_named(self, content):
        content.write(
            quiz_change=lambda q: points(q)[1]["options"][1].update(next="p1")
        )
        line = line_of(content.text(QUIZ), "points:")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].points: the scenario has a cycle: p1 -> p2 -> p1"
        ]

    def test_an_unreachable_point_is_named_on_its_line(self, content):
        content.write(
            quiz_change=lambda q: points(q).append(
                {"id": "orphan", "situation": "Nobody gets here.", "end": True}
            )
        )
        line = line_of(content.text(QUIZ), "- id: orphan")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].points[5].id: point 'orphan' cannot be reached from start"
        ]

    def test_an_ending_with_options_is_refused(self, content):
        def give_options(quiz):
            points(quiz)[2]["options"] = points(quiz)[0]["options"]

        content.write(quiz_change=give_options)
        line = line_of(content.text(QUIZ), "options:", after="- id: end-good")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].points[2].options: an ending (end: true) has no options"
        ]

    def test_a_decision_without_a_best_option_is_refused(self, content):
        content.write(
            quiz_change=lambda q: points(q)[1]["options"][0].update(quality="poor")
        )
        line = line_of(content.text(QUIZ), "options:", after="- id: p2")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].points[1].options: a decision point needs at least one "
            "option of quality best"
        ]

    def test_a_decision_needs_two_options(self, content):
        content.write(quiz_change=lambda q: points(q)[1]["options"].pop())
        [problem] = content.problems()
        assert problem.endswith(
            "items[7].points[1].options: a decision point needs at least 2 options (or end: true)"
        )

    def test_a_decision_needs_a_question(self, content):
        content.write(quiz_change=lambda q: points(q)[0].pop("question"))
        line = line_of(content.text(QUIZ), "- id: p1")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].points[0].question: a decision point needs a question"
        ]

    def test_an_unknown_quality_is_refused(self, content):
        content.write(
            quiz_change=lambda q: points(q)[0]["options"][1].update(quality="bad")
        )
        [problem] = content.problems()
        assert (
            "items[7].points[0].options[1].quality: Input should be 'best'" in problem
        )

    def test_a_missing_start_is_refused(self, content):
        content.write(quiz_change=lambda q: q["items"][BRANCHING].pop("start"))
        line = line_of(content.text(QUIZ), "- id: q8")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].start: required field is missing"
        ]

    def test_a_start_naming_no_point_is_refused(self, content):
        content.write(quiz_change=lambda q: q["items"][BRANCHING].update(start="p0"))
        line = line_of(content.text(QUIZ), "start: p0")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].start: names point 'p0', which does not exist"
        ]

    def test_a_start_naming_an_ending_is_refused(self, content):
        content.write(
            quiz_change=lambda q: q["items"][BRANCHING].update(start="end-ok")
        )
        line = line_of(content.text(QUIZ), "start: end-ok")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].start: names the ending 'end-ok'; a scenario starts at "
            "a decision point"
        ]

    def test_duplicate_point_ids_are_refused(self, content):
        content.write(quiz_change=lambda q: points(q)[4].update(id="end-ok"))
        line = line_of(content.text(QUIZ), "- id: end-ok", occurrence=2)
        assert (
            f"{QUIZ}:{line}: items[7].points[4].id: duplicate id 'end-ok'"
            in content.problems()
        )

    def test_duplicate_option_ids_within_a_point_are_refused(self, content):
        content.write(quiz_change=lambda q: points(q)[1]["options"][1].update(id="a"))
        line = line_of(
            content.text(QUIZ), "- id: a", after="question: And now?", occurrence=2
        )
        assert content.problems() == [
            f"{QUIZ}:{line}: items[7].points[1].options[1].id: duplicate id 'a'"
        ]
