"""The promising modules of the 2011 framework written for issue 13 (congruence, expectations,
attachment style): each is shipped at the promising level, and its quiz is passed with the
keyed answers and failed with distractors, taken through the pages as a trainee takes it."""

from __future__ import annotations

import pytest

from tests.learning.quiztaker import QuizTaker, verdict
from trainer.content.schema import BranchingItem, Framework, Kind, Level

PROMISING = {
    "congruence": Kind.ELEMENT,
    "expectations": Kind.ADAPTATION,
    "attachment-style": Kind.ADAPTATION,
}


@pytest.fixture
def signed_in(client, auth, trainee):
    auth.login(trainee)
    return client


@pytest.mark.parametrize("slug", PROMISING)
def test_the_module_is_shipped_as_promising_in_2011_with_a_branching_quiz(app, slug):
    module = app.extensions["curriculum"].get(slug)
    assert module is not None, slug
    assert module.kind is PROMISING[slug]
    assert module.meta.levels == {Framework.APA_2011: Level.PROMISING}
    assert module.meta.evidence.framework is Framework.APA_2011
    assert len(module.quiz.items) >= 10
    assert any(isinstance(item, BranchingItem) for item in module.quiz.items)


@pytest.mark.parametrize("slug", PROMISING)
def test_the_keyed_answers_pass_the_quiz_with_full_marks(signed_in, slug):
    response = QuizTaker(signed_in, slug).take(right=True)
    result = signed_in.get(response.location)
    assert verdict(result.text).startswith("Passed: 100%"), slug


@pytest.mark.parametrize("slug", PROMISING)
def test_the_distractors_fail_the_quiz_with_no_credit(signed_in, slug):
    response = QuizTaker(signed_in, slug).take(right=False)
    result = signed_in.get(response.location)
    assert verdict(result.text).startswith("Not passed: 0%"), slug
