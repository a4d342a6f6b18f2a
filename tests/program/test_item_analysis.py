"""Item analysis (trainer/learning/item_analysis.py): figures worked out by hand on four
attempts, computed in a fixed number of queries, as CSV and as the director's page."""

from __future__ import annotations

import csv
import io
import math

import pytest

from tests.factories.content import build, quiz_data
from tests.pagetools import check_page
from trainer.content.scoring import score_attempt
from trainer.core.extensions import db
from trainer.learning import quizflow
from trainer.learning.item_analysis import (
    FLAG_EASY,
    FLAG_NEGATIVE,
    FLAG_UNCHOSEN,
    AttemptRow,
    analyse_version,
    item_analysis,
    to_csv,
)
from trainer.learning.services import next_attempt_number, submit_attempt

# The sample quiz (tests/factories/content.py): q1-q3, q6, q7 single keyed a; q4 choose 2,
# a+b keyed; q5 select all, a+b+c keyed; q8 branching p1 a (best) -> p2, p1 b (poor) ->
# end; p2 a (best), p2 b (acceptable). All-or-nothing scoring.
#
#       q1 q2 q3 q4 q5 q6 q7 q8 | total
#   A    1  1  0  1  1  1  1  1 |  7
#   B    1  1  0  1  0  0  1  0 |  4
#   C    0  0  1  0  0  0  1  0 |  2
#   D    0  1  1  0  0  0  1  0 |  3
ANSWERS = {
    "A": {
        "q1": ["a"], "q2": ["a"], "q3": ["b"], "q4": ["a", "b"],
        "q5": ["a", "b", "c"], "q6": ["a"], "q7": ["a"], "q8": ["a", "a"],
    },
    "B": {
        "q1": ["a"], "q2": ["a"], "q3": ["b"], "q4": ["a", "b"],
        "q5": ["a", "b"], "q6": ["b"], "q7": ["a"], "q8": ["b"],
    },
    "C": {
        "q1": ["b"], "q2": ["b"], "q3": ["a"], "q4": ["c", "d"],
        "q5": ["d", "e"], "q6": ["b"], "q7": ["a"], "q8": ["b"],
    },
    "D": {
        "q1": ["c"], "q2": ["a"], "q3": ["a"], "q4": ["c", "d"],
        "q5": ["d"], "q6": ["b"], "q7": ["a"], "q8": ["b"],
    },
}  # fmt: skip

# q1: item x = 1 1 0 0 (facility 1/2); rest = total - x = 6 3 2 3, mean 3.5.
#     sum (x - .5)(r - 3.5) = .5(2.5) + .5(-.5) - .5(-1.5) - .5(-.5) = 2
#     sum (x - .5)^2 = 1; sum (r - 3.5)^2 = 6.25 + .25 + 2.25 + .25 = 9 -> r = 2/3
Q1_DISCRIMINATION = 2 / 3
# q3: x = 0 0 1 1; rest = 7 4 1 2, mean 3.5.
#     sum (x - .5)(r - 3.5) = -.5(3.5) - .5(.5) + .5(-2.5) + .5(-1.5) = -4
#     sum (r - 3.5)^2 = 12.25 + .25 + 6.25 + 2.25 = 21 -> r = -4 / sqrt(21) = -0.873
Q3_DISCRIMINATION = -4 / math.sqrt(21)


def sample_module():
    return build(quiz=quiz_data())


def progress_of(module, chosen: dict, number: int = 1, trainee_id: int = 0):
    """A complete progress answering each item as ``chosen`` says (q8: the options taken
    one decision after another)."""
    progress = quizflow.start(module, number, trainee_id=trainee_id)
    for item in module.quiz.items:
        if item.type == "branching":
            for option_id in chosen[item.id]:
                quizflow.apply_answer(module, progress, [option_id])
        else:
            quizflow.apply_answer(module, progress, chosen[item.id])
    assert quizflow.is_complete(module, progress)
    return progress


def rows(module) -> list[AttemptRow]:
    result = []
    for chosen in ANSWERS.values():
        answers = progress_of(module, chosen).answers
        scores = score_attempt(module.quiz, answers).item_scores
        result.append(AttemptRow(answers, scores))
    return result


def by_item(stats):
    return {s.item_id: s for s in stats}


class TestWorkedFigures:
    @pytest.fixture
    def stats(self):
        module = sample_module()
        return by_item(analyse_version(module, rows(module), min_attempts=4))

    def test_the_totals_are_as_worked_out(self):
        module = sample_module()
        totals = [sum(row.item_scores.values()) for row in rows(module)]
        assert totals == [7, 4, 2, 3]

    def test_facility_is_the_share_of_credit_earned(self, stats):
        assert stats["q1"].facility == 0.5
        assert stats["q3"].facility == 0.5
        assert stats["q5"].facility == 0.25
        assert stats["q7"].facility == 1.0
        assert stats["q8"].facility == 0.25
        assert all(s.attempts == 4 for s in stats.values())

    def test_discrimination_correlates_the_item_with_the_rest_of_the_quiz(self, stats):
        assert stats["q1"].discrimination == pytest.approx(Q1_DISCRIMINATION)
        assert stats["q3"].discrimination == pytest.approx(Q3_DISCRIMINATION)
        assert round(stats["q3"].discrimination, 3) == -0.873

    def test_discrimination_is_undefined_when_everyone_scores_the_same(self, stats):
        assert stats["q7"].discrimination is None

    def test_option_picks(self, stats):
        assert [(o.key, o.role, o.picks) for o in stats["q1"].options] == [
            ("a", "keyed", 2),
            ("b", "not keyed", 1),
            ("c", "not keyed", 1),
            ("d", "not keyed", 0),
        ]
        assert {o.key: o.picks for o in stats["q8"].options} == {
            "p1/a": 1,
            "p1/b": 3,
            "p2/a": 1,
            "p2/b": 0,
        }

    def test_flags(self, stats):
        codes = {item_id: [f.code for f in s.flags] for item_id, s in stats.items()}
        assert codes["q1"] == [FLAG_UNCHOSEN]  # d, by nobody in 4 attempts
        assert codes["q3"] == [FLAG_NEGATIVE, FLAG_UNCHOSEN, FLAG_UNCHOSEN]  # c and d
        assert codes["q7"] == [FLAG_EASY] + [FLAG_UNCHOSEN] * 3
        # p2 b was chosen by nobody, but only one attempt reached p2
        assert codes["q8"] == []

    def test_every_flag_says_what_it_means(self, stats):
        [unchosen] = stats["q1"].flags
        assert unchosen.title == "Distractor nobody chooses"
        assert unchosen.sentence.startswith("Nobody chose “Option d.” in 4 attempts")
        assert (
            stats["q3"]
            .flags[0]
            .sentence.startswith(
                "Trainees who did well on the rest of the quiz did worse on this item"
            )
        )
        assert stats["q7"].flags[0].title == "Almost everyone answers correctly"

    def test_no_distractor_is_flagged_below_the_minimum_of_attempts(self):
        module = sample_module()
        stats = analyse_version(module, rows(module))  # at least 20 by default
        assert not any(f.code == FLAG_UNCHOSEN for s in stats for f in s.flags)


# ---------------------------------------------------------------------------------------------
# From the database


@pytest.fixture
def record(make_user):
    """Submit the attempts of ANSWERS (one trainee each) on ``module``."""

    def submit(module, names=tuple(ANSWERS), program_=None):
        for name in names:
            trainee = make_user("trainee", program_=program_)
            number = next_attempt_number(trainee, module.slug)
            progress = progress_of(module, ANSWERS[name], number, trainee.id)
            submit_attempt(trainee, module, progress)
        db.session.flush()

    return submit


class TestFromTheDatabase:
    def test_it_reads_the_stored_attempts_and_their_content_version(
        self, record, program
    ):
        module = sample_module()
        record(module)
        stats = by_item(item_analysis(program.id, min_attempts=4))
        assert stats["q1"].version == module.version
        assert stats["q1"].facility == 0.5
        assert stats["q1"].discrimination == pytest.approx(Q1_DISCRIMINATION)
        assert stats["q3"].discrimination == pytest.approx(Q3_DISCRIMINATION)

    def test_only_the_programs_attempts_count(self, record, program, other_program):
        module = sample_module()
        record(module)
        record(module, names=("A", "A", "A"), program_=other_program)
        assert by_item(item_analysis(program.id))["q1"].attempts == 4
        assert by_item(item_analysis(other_program.id))["q1"].attempts == 3
        assert by_item(item_analysis())["q1"].attempts == 7

    def test_each_content_version_is_analysed_apart(self, record, program):
        first = sample_module()
        edited = quiz_data()
        edited["items"][0]["question"] = "What do you say now?"
        second = build(quiz=edited)
        record(first)
        record(second, names=("A",))
        stats = item_analysis(program.id)
        assert [(s.version, s.attempts) for s in stats if s.item_id == "q1"] == [
            (first.version, 4),
            (second.version, 1),
        ]

    def test_the_number_of_queries_does_not_grow_with_attempts_or_versions(
        self, record, program, count_queries
    ):
        record(sample_module(), names=("A",))
        with count_queries() as few:
            item_analysis(program.id)
        edited = quiz_data()
        edited["items"][0]["question"] = "What do you say now?"
        record(sample_module())
        record(build(quiz=edited))
        with count_queries() as many:
            assert len(item_analysis(program.id)) == 16
        assert len(few) == len(many) == 2


class TestCsv:
    def test_one_row_per_item_with_its_figures(self, record, runner, program):
        module = sample_module()
        record(module)
        result = runner.invoke(args=["content", "item-analysis", "--min-attempts", "4"])
        assert result.exit_code == 0, result.output
        table = list(csv.DictReader(io.StringIO(result.output)))
        assert [row["item"] for row in table] == [i.id for i in module.quiz.items]
        q1, q3 = table[0], table[2]
        assert (q1["module"], q1["content_version"]) == ("sample", module.version)
        assert (q1["attempts"], q1["facility"], q1["discrimination"]) == (
            "4",
            "0.500",
            "0.667",
        )
        assert q1["option_picks"] == (
            "a (keyed): 2; b (not keyed): 1; c (not keyed): 1; d (not keyed): 0"
        )
        assert q1["flags"] == FLAG_UNCHOSEN
        assert q3["discrimination"] == "-0.873"
        assert table[6]["discrimination"] == ""  # q7: everyone scored 1

    def test_out_writes_a_file(self, record, runner, tmp_path):
        record(sample_module())
        target = tmp_path / "items.csv"
        result = runner.invoke(args=["content", "item-analysis", "--out", str(target)])
        assert result.exit_code == 0
        assert result.output == ""
        assert target.read_text(encoding="utf-8") == to_csv(item_analysis())

    def test_no_attempts_gives_the_header_only(self, runner):
        result = runner.invoke(args=["content", "item-analysis"])
        assert result.output.splitlines() == [
            "module,content_version,item,position,type,competency,attempts,facility,"
            "discrimination,option_picks,flags"
        ]


class TestDirectorPage:
    def test_the_director_reads_the_figures_in_words(
        self, record, client, auth, director
    ):
        record(sample_module())
        auth.login(director)
        response = client.get("/program/items")
        assert response.status_code == 200
        main = check_page(response.text).find("main")
        assert "Sample module" in main.find("h2", id="version-1").text
        rows = main.find("tbody").find_all("tr")
        assert len(rows) == 8
        first = " ".join(rows[0].text.split())
        assert first.startswith("Item 1 Single best answer 50 % 0.67")
        assert "2 × Option a. (keyed)" in first
        third = " ".join(rows[2].text.split())
        assert "Discriminates negatively." in third
        seventh = " ".join(rows[6].text.split())
        assert "Cannot be computed: every attempt scored the same" in seventh
        assert "Almost everyone answers correctly." in seventh

    def test_a_director_sees_only_their_programs_attempts(
        self, record, client, auth, make_user, other_program
    ):
        record(sample_module())
        auth.login(make_user("director", program_=other_program))
        main = check_page(client.get("/program/items").text).find("main")
        assert "No quiz attempts in your program yet." in main.text

    @pytest.mark.parametrize("role", ["trainee", "supervisor", "reviewer", "admin"])
    def test_other_roles_are_refused(self, role, client, auth, make_user):
        auth.login(make_user(role))
        assert client.get("/program/items").status_code == 403
