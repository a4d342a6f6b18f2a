"""The 2011 "promising" elements (repairing alliance ruptures, managing countertransference):
their quizzes pass with the keyed answers and fail with the distractors, through the engine and
through the pages, and their evidence blocks quote only the figures evidence.md gives for their
own rows (§2a rows 11 and 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.learning.quiztaker import QuizTaker, answered, verdict
from trainer import ROOT
from trainer.content.loader import load_curriculum
from trainer.content.schema import Framework, Kind, Level
from trainer.content.scoring import score_attempt

PROMISING = ["rupture-repair", "countertransference"]

#: (metric, value) of every statistic, as evidence.md §2a gives them for the module's row
EVIDENCE_ROWS = {
    "rupture-repair": [
        ("k", "3"),
        ("N", "148"),
        ("r", ".24"),
        ("k", "8"),
        ("N", "376"),
        ("r", ".65"),
    ],
    "countertransference": [
        ("k", "10"),
        ("N", "769"),
        ("r", "−.16"),
        ("k", "11"),
        ("N", "1,065"),
        ("r", "−.14 (n.s.)"),
        ("k", "7"),
        ("N", "478"),
        ("r", ".56"),
    ],
}


@pytest.fixture(scope="module")
def shipped():
    return load_curriculum(Path(ROOT))


@pytest.mark.parametrize("slug", PROMISING)
class TestPromisingElement:
    def test_it_is_an_element_rated_promising_in_2011(self, shipped, slug):
        module = shipped.get(slug)
        assert module.kind is Kind.ELEMENT
        assert module.meta.levels == {Framework.APA_2011: Level.PROMISING}

    def test_it_comes_after_every_demonstrably_or_probably_effective_element(
        self, shipped, slug
    ):
        module = shipped.get(slug)
        rated_higher = [
            m.meta.order
            for m in shipped
            if m.kind is Kind.ELEMENT
            and m.meta.levels.get(Framework.APA_2011)
            in (Level.DEMONSTRABLY, Level.PROBABLY)
        ]
        assert rated_higher
        assert module.meta.order > max(rated_higher)

    def test_its_statistics_are_the_figures_of_its_evidence_row(self, shipped, slug):
        statistics = shipped.get(slug).meta.evidence.statistics
        assert [(s.metric, s.value) for s in statistics] == EVIDENCE_ROWS[slug]

    def test_the_keyed_answers_score_full_marks(self, shipped, slug):
        module = shipped.get(slug)
        result = score_attempt(module.quiz, answered(module, right=True).answers)
        assert result.score == 100.0
        assert result.is_passed

    def test_the_distractors_fail_the_quiz(self, shipped, slug):
        module = shipped.get(slug)
        result = score_attempt(module.quiz, answered(module, right=False).answers)
        assert result.score == 0.0
        assert not result.is_passed


@pytest.fixture
def signed_in(client, auth, trainee):
    auth.login(trainee)
    return client


@pytest.mark.parametrize("slug", PROMISING)
def test_a_trainee_passes_the_quiz_with_the_keyed_answers(signed_in, slug):
    response = QuizTaker(signed_in, slug).take(right=True)
    result = signed_in.get(response.location)
    assert verdict(result.text).startswith("Passed: 100%")


@pytest.mark.parametrize("slug", PROMISING)
def test_a_trainee_fails_the_quiz_with_the_distractors(signed_in, slug):
    response = QuizTaker(signed_in, slug).take(right=False)
    result = signed_in.get(response.location)
    assert verdict(result.text).startswith("Not passed: 0%")
