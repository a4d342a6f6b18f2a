"""Module files, front matter, YAML and the cross-checks between files
(docs/content-format.md). Quiz rules: test_quiz_validation.py; versions and the shipped
curriculum: test_curriculum.py."""

from __future__ import annotations

import pytest

from tests.content.conftest import line_of
from tests.factories.content import module_text, quiz_text

MODULE = "modules/sample.md"
QUIZ = "quizzes/sample.yaml"


def test_the_valid_sample_loads(content):
    content.write()
    curriculum = content.load()
    module = curriculum.get("sample")
    assert len(curriculum) == 1
    assert module.title == "Sample module"
    assert len(module.quiz.items) == 8
    assert "<h2>What it is</h2>" in module.body_html


class TestFrontMatter:
    def test_a_module_without_front_matter_is_refused(self, content):
        content.write(module_source="## Empathy\n\nText.\n")
        assert content.problems() == [
            f"{MODULE}:1: (front matter): must start with a line '---'"
        ]

    def test_an_unclosed_front_matter_is_refused(self, content):
        content.write(
            module_source=module_text().replace("---\n## What it is", "## What it is")
        )
        assert content.problems() == [
            f"{MODULE}:1: (front matter): no closing '---' line"
        ]

    def test_an_empty_module_file_is_refused(self, content):
        content.write(module_source="")
        assert content.problems() == [
            f"{MODULE}:1: (front matter): must start with a line '---'"
        ]

    def test_an_empty_body_is_refused_on_the_line_where_the_body_starts(self, content):
        content.write(body="\n   \n")
        source = content.text(MODULE)
        body_line = source.splitlines().index("---", 1) + 2
        assert content.problems() == [
            f"{MODULE}:{body_line}: (body): the Markdown body is empty"
        ]


class TestYaml:
    def test_invalid_yaml_in_front_matter_names_its_line(self, content):
        source = module_text().replace("title: Sample module", "title: Sample: module")
        content.write(module_source=source)
        line = line_of(source, "title: Sample: module")
        assert line == 3
        assert content.problems() == [
            f"{MODULE}:3: (file): not valid YAML: mapping values are not allowed here"
        ]

    def test_an_unclosed_bracket_names_the_line_where_it_was_opened(self, content):
        content.write(
            module_source=module_text().replace("kind: element", "kind: [element")
        )
        [problem] = content.problems()
        assert problem.startswith(
            f"{MODULE}:5: (file): not valid YAML: expected ',' or ']'"
        )
        assert problem.endswith("(while parsing a flow sequence started on line 4)")

    def test_invalid_yaml_in_a_quiz_names_its_line(self, content):
        source = quiz_text().replace("pass_mark: 75", "pass_mark: 75\n  pass: mark: 80")
        content.write(quiz_source=source)
        [problem] = content.problems()
        assert problem.startswith(f"{QUIZ}:3: (file): not valid YAML:")

    def test_a_duplicate_key_is_named_on_its_second_line(self, content):
        source = module_text().replace(
            "kind: element\n", "kind: element\nkind: adaptation\n"
        )
        content.write(module_source=source)
        line = line_of(source, "kind: adaptation")
        assert content.problems() == [f"{MODULE}:{line}: kind: duplicate key 'kind'"]

    def test_a_duplicate_key_inside_a_quiz_item_is_named_with_its_path(self, content):
        source = quiz_text().replace(
            "  question: What do you say?\n",
            "  question: What do you say?\n  question: Again?\n",
            1,
        )
        content.write(quiz_source=source)
        line = line_of(source, "question: Again?")
        assert content.problems() == [
            f"{QUIZ}:{line}: items[0].question: duplicate key 'question'"
        ]

    @pytest.mark.parametrize("relative", [MODULE, QUIZ])
    def test_a_file_that_is_not_utf8_is_refused(self, content, relative):
        latin1 = "Ãrzte".encode("latin-1")
        if relative == MODULE:
            content.write(module_source=module_text().encode() + latin1)
        else:
            content.write(quiz_source=quiz_text().encode() + latin1)
        [problem] = content.problems()
        assert problem.startswith(f"{relative}:1: (file): not UTF-8 text:")

    @pytest.mark.parametrize(
        "source", ["", "- a list\n- not a mapping\n", "just text\n"]
    )
    def test_a_quiz_that_is_not_a_mapping_is_refused(self, content, source):
        content.write(quiz_source=source)
        assert content.problems() == [f"{QUIZ}:1: (file): expected a mapping of fields"]


class TestModuleFields:
    def test_an_unknown_field_is_named_on_its_line(self, content):
        content.write(module_change=lambda m: m.update(colour="red"))
        line = line_of(content.text(MODULE), "colour: red")
        assert content.problems() == [f"{MODULE}:{line}: colour: unknown field"]

    def test_an_unknown_nested_field_is_named_with_its_path(self, content):
        content.write(module_change=lambda m: m["competencies"][2].update(weight=2))
        source = content.text(MODULE)
        line = line_of(source, "weight: 2")
        assert content.problems() == [
            f"{MODULE}:{line}: competencies[2].weight: unknown field"
        ]

    @pytest.mark.parametrize(
        "field",
        ["slug", "title", "kind", "levels", "summary", "ce_minutes", "evidence"],
    )
    def test_a_missing_required_field_is_named(self, content, field):
        content.write(module_change=lambda m: m.pop(field))
        assert content.problems() == [f"{MODULE}:2: {field}: required field is missing"]

    def test_a_missing_nested_field_is_named_with_its_path(self, content):
        content.write(module_change=lambda m: m["evidence"].pop("interpretation"))
        line = line_of(content.text(MODULE), "evidence:")
        assert content.problems() == [
            f"{MODULE}:{line}: evidence.interpretation: required field is missing"
        ]

    @pytest.mark.parametrize(
        ("change", "needle", "expected"),
        [
            (
                lambda m: m.update(kind="elemnt"),
                "kind: elemnt",
                "kind: Input should be 'element' or 'adaptation'",
            ),
            (
                lambda m: m.update(levels={"apa-2011": "maybe"}),
                "apa-2011: maybe",
                "levels.apa-2011: Input should be 'demonstrably', 'probably', 'promising' "
                "or 'insufficient'",
            ),
            (
                lambda m: m.update(levels={"apa-2020": "probably"}),
                "apa-2020: probably",
                "levels.apa-2020: Input should be 'apa-2011' or 'apa-2019'",
            ),
        ],
        ids=["kind", "level", "framework"],
    )
    def test_a_value_outside_its_vocabulary_is_named_on_its_line(
        self, content, change, needle, expected
    ):
        content.write(module_change=change)
        line = line_of(content.text(MODULE), needle)
        assert content.problems() == [f"{MODULE}:{line}: {expected}"]

    def test_a_module_needs_a_level_in_at_least_one_framework(self, content):
        content.write(module_change=lambda m: m.update(levels={}))
        [problem] = content.problems()
        assert problem.startswith(
            f"{MODULE}:5: levels: Dictionary should have at least 1 item"
        )

    @pytest.mark.parametrize(
        ("field", "count", "expected"),
        [
            (
                "objectives",
                2,
                "List should have at least 3 items after validation, not 2",
            ),
            (
                "objectives",
                6,
                "List should have at most 5 items after validation, not 6",
            ),
            (
                "competencies",
                2,
                "List should have at least 3 items after validation, not 2",
            ),
            (
                "competencies",
                6,
                "List should have at most 5 items after validation, not 6",
            ),
        ],
    )
    def test_objectives_and_competencies_number_three_to_five(
        self, content, field, count, expected
    ):
        def resize(module):
            items = module[field]
            module[field] = [
                {**items[n % 3], "id": f"{items[n % 3]['id']}-{n}"}
                for n in range(count)
            ]

        content.write(module_change=resize)
        line = line_of(content.text(MODULE), f"{field}:")
        problems = content.problems()
        assert f"{MODULE}:{line}: {field}: {expected}" in problems

    def test_a_missing_rubric_anchor_is_named_with_its_level(self, content):
        content.write(module_change=lambda m: m["competencies"][1]["anchors"].pop("3"))
        source = content.text(MODULE)
        line = line_of(source, "anchors:", after="id: c2")
        assert content.problems() == [
            f"{MODULE}:{line}: competencies[1].anchors.3: required field is missing"
        ]

    def test_an_anchor_beyond_level_five_is_an_unknown_field(self, content):
        content.write(
            module_change=lambda m: m["competencies"][0]["anchors"].update({"6": "x"})
        )
        line = line_of(content.text(MODULE), "'6': x")
        assert content.problems() == [
            f"{MODULE}:{line}: competencies[0].anchors.6: unknown field"
        ]

    def test_an_unknown_profession_wide_competency_is_named(self, content):
        content.write(
            module_change=lambda m: m["competencies"][1].update(
                profession_wide=["wizardry"]
            )
        )
        line = line_of(content.text(MODULE), "- wizardry")
        [problem] = content.problems()
        assert problem.startswith(
            f"{MODULE}:{line}: competencies[1].profession_wide[0]: Input should be 'research',"
        )

    def test_a_competency_serves_at_least_one_profession_wide_competency(self, content):
        content.write(
            module_change=lambda m: m["competencies"][0].update(profession_wide=[])
        )
        [problem] = content.problems()
        assert (
            "competencies[0].profession_wide: List should have at least 1 item"
            in problem
        )

    def test_a_statistic_must_name_a_listed_reference(self, content):
        content.write(
            module_change=lambda m: m["evidence"]["statistics"][0].update(
                source="smith-1999"
            )
        )
        line = line_of(content.text(MODULE), "source: smith-1999")
        assert content.problems() == [
            f"{MODULE}:{line}: evidence.statistics[0].source: names reference 'smith-1999', "
            "which is not in references"
        ]

    def test_a_statistic_needs_a_metric(self, content):
        content.write(
            module_change=lambda m: m["evidence"]["statistics"][0].pop("metric")
        )
        [problem] = content.problems()
        assert "evidence.statistics[0].metric: required field is missing" in problem

    def test_the_evidence_framework_must_be_one_the_module_has_a_level_in(
        self, content
    ):
        content.write(
            module_change=lambda m: m["evidence"].update(framework="apa-2019")
        )
        line = line_of(content.text(MODULE), "framework: apa-2019")
        assert content.problems() == [
            f"{MODULE}:{line}: evidence.framework: names a framework the module has no level in"
        ]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (lambda m: m.update(order=1001), "order"),
            (lambda m: m.update(order=-1), "order"),
            (lambda m: m.update(ce_minutes=4), "ce_minutes"),
            (lambda m: m.update(ce_minutes=601), "ce_minutes"),
            (lambda m: m.update(references=[]), "references"),
            (lambda m: m["evidence"].update(statistics=[]), "evidence.statistics"),
        ],
    )
    def test_numbers_and_lists_out_of_range_are_refused(self, content, change, field):
        content.write(module_change=change)
        [problem] = content.problems()
        assert f": {field}: " in problem

    def test_order_defaults_to_100(self, content):
        content.write()
        assert content.load().get("sample").meta.order == 100

    @pytest.mark.parametrize("bad", ["Bad_Id", "-leading-hyphen", "has space"])
    def test_identifiers_are_lower_case_letters_digits_and_hyphens(self, content, bad):
        content.write(module_change=lambda m: m["competencies"][0].update(id=bad))
        problems = content.problems()
        assert any(
            "competencies[0].id: String should match pattern" in p for p in problems
        )

    @pytest.mark.parametrize(
        ("field", "first_id", "index"),
        [("objectives", "o1", 3), ("competencies", "c1", 3), ("references", "ref1", 1)],
    )
    def test_ids_within_a_list_are_unique(self, content, field, first_id, index):
        content.write(module_change=lambda m: m[field].append(dict(m[field][0])))
        line = line_of(content.text(MODULE), f"- id: {first_id}", occurrence=2)
        assert content.problems() == [
            f"{MODULE}:{line}: {field}[{index}].id: duplicate id '{first_id}'"
        ]

    @pytest.mark.parametrize(
        "verb", ["Understand", "Know", "Appreciate", "Be aware of"]
    )
    def test_an_objective_must_start_with_an_observable_verb(self, content, verb):
        content.write(
            module_change=lambda m: m["objectives"][1].update(
                text=f"{verb} the evidence."
            )
        )
        line = line_of(content.text(MODULE), f"text: {verb} the evidence.")
        [problem] = content.problems()
        assert problem.startswith(f"{MODULE}:{line}: objectives[1].text: starts with")
        assert "start with an observable verb" in problem

    def test_the_slug_must_equal_the_file_name(self, content):
        content.write(module_change=lambda m: m.update(slug="other"))
        assert content.problems() == [
            f"{MODULE}:2: slug: is 'other' but the file is named sample.md"
        ]


class TestFilesTogether:
    def test_a_module_without_a_quiz_is_refused(self, content):
        content.write(quiz=False)
        assert content.problems() == [
            f"{MODULE}:1: (file): the module has no quiz (quizzes/sample.yaml)"
        ]

    def test_a_quiz_without_a_module_is_refused(self, content):
        content.write()
        content.write(slug="orphan", module=False)
        assert content.problems() == [
            "quizzes/orphan.yaml:1: (file): no module modules/orphan.md for this quiz"
        ]

    def test_a_quiz_naming_another_module_is_refused(self, content):
        content.write(quiz_change=lambda q: q.update(module="other"))
        assert content.problems() == [
            f"{QUIZ}:1: module: names module 'other', expected 'sample'"
        ]

    def test_an_empty_content_root_is_refused(self, content):
        assert content.problems() == [
            "modules/:1: (folder): no module files (modules/*.md)"
        ]

    def test_problems_in_several_files_are_all_reported_in_file_order(self, content):
        content.write(slug="beta", module_change=lambda m: m.update(kind="x"))
        content.write(slug="alpha", quiz_change=lambda q: q.update(pass_mark=10))
        content.write(slug="gamma")
        problems = content.problems()
        assert [p.split(":")[0] for p in problems] == [
            "modules/beta.md",
            "quizzes/alpha.yaml",
        ]
