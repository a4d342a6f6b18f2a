"""Tried as a new user would: a trainee can pass every quiz in the catalogue, one after
another, and /progress then shows knowledge demonstrated for every module."""

from tests.learning.quiztaker import QuizTaker, verdict
from tests.pagetools import check_page


def test_a_trainee_completes_the_whole_catalogue(signed_in, curriculum):
    slugs = [module.slug for module in curriculum]
    assert len(slugs) == 20
    for slug in slugs:
        response = QuizTaker(signed_in, slug).take(right=True)
        result = signed_in.get(response.location)
        assert verdict(result.text).startswith("Passed: 100%"), slug

    progress = check_page(signed_in.get("/progress").text)
    totals = progress.find("section", aria_labelledby="totals").text
    assert "Knowledge demonstrated: 20" in totals
    assert "Not started: 0" in totals
